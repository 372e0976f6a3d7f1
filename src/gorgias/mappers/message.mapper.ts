import type { MessageWriteRow } from '../../tickets/repositories/ticket-write.rows';
import { GorgiasMessage } from '../gorgias.types';
import { latestById } from './latest-by-id';

/** Gorgias messages as rows of `messages`, one per id (the newest copy: deleted, else failed, else sent, else created). */
export function toMessageRows(messages: GorgiasMessage[]): MessageWriteRow[] {
  return latestById(messages, (msg) => msg.deleted_datetime ?? msg.failed_datetime ?? msg.sent_datetime ?? msg.created_datetime).map((msg) => ({
    external_id: msg.id,
    ticket_external_id: msg.ticket_id,
    channel: msg.channel ?? null,
    via: msg.via ?? null,
    from_agent: !!msg.from_agent,
    public: msg.public ?? true,
    sender_email: msg.sender?.email ?? null,
    sender_name: msg.sender?.name ?? null,
    receiver_email: msg.receiver?.email ?? null,
    receiver_name: msg.receiver?.name ?? null,
    subject: msg.subject ?? null,
    body_text: msg.body_text ?? null,
    body_html: msg.body_html ?? null,
    stripped_text: msg.stripped_text ?? null,
    attachments: Array.isArray(msg.attachments) ? msg.attachments : [],
    created_at: msg.created_datetime,
    sent_at: msg.sent_datetime ?? null,
    failed_at: msg.failed_datetime ?? null,
    deleted_at: msg.deleted_datetime ?? null,
    payload: msg,
  }));
}
