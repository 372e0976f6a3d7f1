import type { MessageWriteRow } from '../../tickets/model/message.table';
import { GorgiasMessage } from '../gorgias.types';
import { datetimeMs } from '../gorgias-datetime';
import { latestById } from './latest-by-id';
import { MAX_SHORT_TEXT_CHARS, MAX_SUBJECT_CHARS, needsCut, storableOrNull, storablePayload } from './storable-text';

const short = (s: string | null | undefined) => storableOrNull(s, MAX_SHORT_TEXT_CHARS);

/**
 * Gorgias messages as rows of `messages`, one per id (the newest copy: deleted, else failed, else
 * sent, else created). Every string is made storable (storable-text.ts); a body cut to size keeps its
 * original length in `body_original_length`.
 */
export function toMessageRows(messages: GorgiasMessage[]): MessageWriteRow[] {
  return latestById(messages, (msg) => msg.deleted_datetime ?? msg.failed_datetime ?? msg.sent_datetime ?? msg.created_datetime).map(
    (msg) => ({
      external_id: msg.id,
      ticket_external_id: msg.ticket_id,
      channel: short(msg.channel),
      via: short(msg.via),
      from_agent: !!msg.from_agent,
      public: msg.public ?? true,
      sender_email: short(msg.sender?.email),
      sender_name: short(msg.sender?.name),
      receiver_email: short(msg.receiver?.email),
      receiver_name: short(msg.receiver?.name),
      subject: storableOrNull(msg.subject, MAX_SUBJECT_CHARS),
      body_text: storableOrNull(msg.body_text),
      body_html: storableOrNull(msg.body_html),
      stripped_text: storableOrNull(msg.stripped_text),
      body_original_length: originalBodyLength(msg),
      attachments: Array.isArray(msg.attachments) ? storablePayload(msg.attachments) : [],
      created_at: msg.created_datetime,
      sent_at: msg.sent_datetime ?? null,
      failed_at: msg.failed_datetime ?? null,
      deleted_at: msg.deleted_datetime ?? null,
      source_version: messageVersion(msg),
      payload: storablePayload(msg),
    }),
  );
}

/** Which version of a message this copy is: its latest datetime (Gorgias gives messages no updated_datetime). */
function messageVersion(msg: GorgiasMessage): string {
  const dates = [msg.created_datetime, msg.sent_datetime, msg.failed_datetime, msg.deleted_datetime, msg.opened_datetime];
  let newest = msg.created_datetime;
  for (const d of dates) if (typeof d === 'string' && datetimeMs(d) > datetimeMs(newest)) newest = d;
  return newest;
}

/** The length Gorgias sent of the longest body field, when one had to be cut; null when all are whole. */
function originalBodyLength(msg: GorgiasMessage): number | null {
  const bodies = [msg.body_text, msg.body_html, msg.stripped_text];
  if (!bodies.some((b) => needsCut(b))) return null;
  return Math.max(...bodies.map((b) => (typeof b === 'string' ? b.length : 0)));
}
