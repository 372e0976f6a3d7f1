import type { TicketWriteRow } from '../../tickets/repositories/ticket-write.rows';
import { GorgiasTicket } from '../gorgias.types';
import { customerName } from './customer.mapper';
import { latestById } from './latest-by-id';

/** Gorgias tickets as rows of `tickets`, one per id (the newest copy). Missing fields get the API's defaults. */
export function toTicketRows(tickets: GorgiasTicket[]): TicketWriteRow[] {
  return latestById(tickets, (t) => t.updated_datetime).map((t) => ({
    external_id: t.id,
    subject: t.subject ?? null,
    excerpt: t.excerpt ?? null,
    status: t.status ?? 'open',
    priority: t.priority ?? null,
    channel: t.channel ?? null,
    via: t.via ?? null,
    language: t.language ?? null,
    customer_external_id: t.customer?.id ?? null,
    customer_email: t.customer?.email ?? null,
    customer_name: customerName(t.customer),
    tags: (t.tags ?? []).map((tag) => tag.name).filter((n) => typeof n === 'string'),
    messages_count: t.messages_count ?? 0,
    spam: !!t.spam,
    created_at: t.created_datetime,
    updated_at: t.updated_datetime ?? t.created_datetime,
    opened_at: t.opened_datetime ?? null,
    closed_at: t.closed_datetime ?? null,
    last_message_at: t.last_message_datetime ?? null,
    trashed_at: t.trashed_datetime ?? null,
    payload: t,
  }));
}
