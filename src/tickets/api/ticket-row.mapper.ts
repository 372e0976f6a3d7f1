import type { CustomerRow } from '../model/customer.table';
import type { MessageRow } from '../model/message.table';
import type { TicketRow } from '../model/ticket.table';
import { Attachment, Customer, Message, Ticket } from './models/ticket.models';

/** A stored ticket as the API shows it (a trashed ticket counts as deleted). */
export function toTicket(r: TicketRow): Ticket {
  const t = new Ticket();
  t.id = r.id;
  t.connectorId = r.connector_id;
  t.externalId = r.external_id;
  t.subject = r.subject;
  t.description = r.description;
  t.status = r.status;
  t.priority = r.priority;
  t.channel = r.channel;
  t.via = r.via;
  t.language = r.language;
  t.tags = r.tags ?? [];
  t.messagesCount = r.messages_count;
  t.createdAt = r.created_at;
  t.updatedAt = r.updated_at;
  t.closedAt = r.closed_at;
  t.lastMessageAt = r.last_message_at;
  t.trashedAt = r.trashed_at;
  t.deletedAt = r.deleted_at ?? r.trashed_at;
  t.customerExternalId = r.customer_external_id;
  t.customerEmail = r.customer_email;
  t.customerName = r.customer_name;
  t.spam = r.spam;
  t.snoozedUntil = r.snoozed_until;
  t.firstAgentReplyAt = r.first_agent_reply_at;
  t.assigneeExternalId = r.assignee_external_id;
  t.teamExternalId = r.team_external_id;
  t.updatedAtKey = r.updated_at_key;
  return t;
}

/** A customers row as the API shows it. */
export function toCustomer(r: CustomerRow): Customer {
  return { externalId: r.external_id, email: r.email, name: r.name };
}

function participant(email: string | null, name: string | null) {
  return email == null && name == null ? null : { email, name };
}

/** Attachments as stored (Gorgias' jsonb, hostile): only well-formed ones, sizes that fit an Int. */
export function toAttachments(value: unknown): Attachment[] {
  if (!Array.isArray(value)) return [];
  const out: Attachment[] = [];
  for (const a of value) {
    if (!a || typeof a !== 'object' || typeof a.url !== 'string') continue;
    const size = typeof a.size === 'number' && Number.isInteger(a.size) && a.size >= 0 && a.size <= 2_147_483_647 ? a.size : null;
    const contentType = a.content_type ?? a.contentType;
    out.push({
      url: a.url,
      name: typeof a.name === 'string' ? a.name : null,
      size,
      contentType: typeof contentType === 'string' ? contentType : null,
    });
  }
  return out;
}

export function toMessage(r: MessageRow, ticketId: string): Message {
  const m = new Message();
  m.id = r.id;
  m.externalId = r.external_id;
  m.ticketId = ticketId;
  m.channel = r.channel;
  m.via = r.via;
  m.fromAgent = r.from_agent;
  m.public = r.public;
  m.sender = participant(r.sender_email, r.sender_name);
  m.receiver = participant(r.receiver_email, r.receiver_name);
  m.subject = r.subject;
  m.bodyText = r.body_text;
  m.bodyHtml = r.body_html;
  m.createdAt = r.created_at;
  m.sentAt = r.sent_at;
  m.failedAt = r.failed_at ?? null;
  m.attachments = toAttachments(r.attachments);
  m.createdAtKey = r.created_at_key;
  return m;
}
