import type { TicketWriteRow } from '../../tickets/model/ticket.table';
import { GorgiasTicket } from '../gorgias.types';
import { customerName } from './customer.mapper';
import { latestById } from './latest-by-id';
import { MAX_SHORT_TEXT_CHARS, MAX_SUBJECT_CHARS, storableOrNull, storablePayload, storableText } from './storable-text';

const short = (s: string | null | undefined) => storableOrNull(s, MAX_SHORT_TEXT_CHARS);

/**
 * Gorgias tickets as rows of `tickets`, one per id (the newest copy). Missing fields get the API's
 * defaults; every string is made storable (storable-text.ts), whatever a customer typed.
 */
export function toTicketRows(tickets: GorgiasTicket[]): TicketWriteRow[] {
  return latestById(tickets, (t) => t.updated_datetime).map((t) => ({
    external_id: t.id,
    subject: storableOrNull(t.subject, MAX_SUBJECT_CHARS),
    excerpt: storableOrNull(t.excerpt, MAX_SUBJECT_CHARS),
    status: short(t.status) ?? 'open',
    priority: short(t.priority),
    channel: short(t.channel),
    via: short(t.via),
    language: short(t.language),
    customer_external_id: t.customer?.id ?? null,
    customer_email: short(t.customer?.email),
    customer_name: short(customerName(t.customer)),
    tags: (t.tags ?? [])
      .map((tag) => tag.name)
      .filter((n): n is string => typeof n === 'string')
      .map((n) => storableText(n, MAX_SHORT_TEXT_CHARS)),
    messages_count: t.messages_count ?? 0,
    spam: !!t.spam,
    assignee_external_id: t.assignee_user?.id ?? null,
    team_external_id: t.assignee_team?.id ?? null,
    snoozed_until: t.snooze_datetime ?? null,
    created_at: t.created_datetime,
    updated_at: t.updated_datetime ?? t.created_datetime,
    opened_at: t.opened_datetime ?? null,
    closed_at: t.closed_datetime ?? null,
    last_message_at: t.last_message_datetime ?? null,
    trashed_at: t.trashed_datetime ?? null,
    payload: storablePayload(t),
  }));
}
