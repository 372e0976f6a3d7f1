/**
 * Changes made to an account (by tests through `SimAccount` or the control API). Each one gets a
 * timestamp strictly after everything in the account and records the events Gorgias records.
 */
import type { GorgiasMessage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import { buildMessage, customerRef, escapeHtml } from './message-builder';
import { AccountStore, clone, MsgRec } from './store';
import type { Trigger, TriggerPayload } from './webhooks/integrations';

export interface MutationContext {
  store: AccountStore;
  rng: () => number;
  /** Tells the HTTP integrations (webhooks) about a change; they render and send asynchronously. */
  fire(trigger: Trigger, payload: TriggerPayload): void;
}

export function createTicket({ store, rng, fire }: MutationContext, partial: Partial<GorgiasTicket> = {}): GorgiasTicket {
  const now = store.stamp();
  const id = store.nextTicketId++;
  const cust = store.customers[Math.floor(rng() * store.customers.length)];
  const t: GorgiasTicket = {
    id,
    uri: `/api/tickets/${id}/`,
    external_id: null,
    language: null,
    status: 'open',
    priority: 'normal',
    channel: 'api',
    via: 'api',
    from_agent: false,
    customer: customerRef(cust),
    assignee_user: null,
    assignee_team: null,
    subject: 'New ticket',
    excerpt: '',
    integrations: [],
    meta: null,
    tags: [],
    messages_count: 0,
    is_unread: true,
    spam: false,
    opened_datetime: null,
    last_received_message_datetime: null,
    last_message_datetime: null,
    closed_datetime: null,
    snooze_datetime: null,
    trashed_datetime: null,
    ...clone(partial),
    created_datetime: gorgiasDatetime(now),
    updated_datetime: gorgiasDatetime(now),
  };
  t.id = id;
  t.uri = `/api/tickets/${id}/`;
  t.messages_count = 0;
  if (t.status === 'closed' && !t.closed_datetime) t.closed_datetime = t.updated_datetime;
  store.tickets.set(id, { t, c: now, u: now, msgs: [] });
  store.dirty();
  store.recordEvent('ticket-created', 'Ticket', id, now);
  fire('ticket-created', { ticket: clone(t) });
  return clone(t);
}

export function addMessage({ store, rng, fire }: MutationContext, ticketId: number, partial: Partial<GorgiasMessage> = {}): GorgiasMessage {
  const rec = store.live(ticketId);
  const now = store.stamp();
  const id = store.nextMessageId++;
  const fromAgent = partial.from_agent ?? rec.msgs.length % 2 === 1;
  const custId = rec.t.customer?.id;
  const customer = store.customers.find((c) => c.id === custId) ?? store.customers[0];
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)];
  const base = buildMessage(store.subdomain, pick, {
    id,
    ticketId: rec.t.id,
    channel: rec.t.channel ?? 'api',
    fromAgent,
    internal: false,
    customer,
    agent: store.agents[0],
    subject: rec.t.subject ?? '',
    orderNo: String(id % 100000),
    created: now,
    large: false,
    withAttachment: false,
  });
  const m: GorgiasMessage = { ...base, ...clone(partial) };
  m.id = id;
  m.ticket_id = rec.t.id;
  m.uri = `/api/tickets/${rec.t.id}/messages/${id}/`;
  if (!m.message_id) m.message_id = `<${id}.${rec.t.id}@mail.gorgias.test>`;
  m.created_datetime = gorgiasDatetime(now);
  if (partial.body_text !== undefined && partial.stripped_text === undefined) m.stripped_text = partial.body_text;
  if (partial.body_text !== undefined && partial.body_html === undefined) m.body_html = `<div>${escapeHtml(String(partial.body_text ?? ''))}</div>`;
  const mr: MsgRec = { m, c: now };
  rec.msgs.push(mr);
  store.appendMessage(mr); // `now` is the largest timestamp: the index stays sorted
  const t = rec.t;
  t.messages_count = rec.msgs.length;
  t.last_message_datetime = m.created_datetime;
  if (!m.from_agent) t.last_received_message_datetime = m.created_datetime;
  if (!t.excerpt) t.excerpt = String(m.body_text ?? '').slice(0, 100);
  t.updated_datetime = m.created_datetime;
  rec.u = now;
  store.dirty();
  store.recordEvent('ticket-message-created', 'TicketMessage', id, now);
  fire('ticket-message-created', { ticket: clone(t), message: clone(m) });
  return clone(m);
}

export function updateTicket({ store, fire }: MutationContext, id: number, patch: Partial<GorgiasTicket>): GorgiasTicket {
  const rec = store.live(id);
  const now = store.stamp();
  const statusBefore = rec.t.status;
  const { id: _i, created_datetime: _c, updated_datetime: _u, messages_count: _m, ...rest } = clone(patch);
  Object.assign(rec.t, rest);
  rec.t.updated_datetime = gorgiasDatetime(now);
  if (patch.status === 'closed' && patch.closed_datetime === undefined) rec.t.closed_datetime = rec.t.updated_datetime;
  if (patch.status === 'open' && patch.closed_datetime === undefined) rec.t.closed_datetime = null;
  rec.u = now;
  store.dirty();
  store.recordEvent('ticket-updated', 'Ticket', rec.t.id, now);
  if (patch.status === 'closed') store.recordEvent('ticket-closed', 'Ticket', rec.t.id, now);
  fire('ticket-updated', { ticket: clone(rec.t) });
  if (rec.t.status !== statusBefore) fire('ticket-status-updated', { ticket: clone(rec.t) });
  if ('assignee_user' in patch || 'assignee_team' in patch) fire('ticket-assignment-updated', { ticket: clone(rec.t) });
  return clone(rec.t);
}

export function trashTicket({ store }: MutationContext, id: number): GorgiasTicket {
  const rec = store.live(id);
  const now = store.stamp();
  rec.t.trashed_datetime = gorgiasDatetime(now);
  rec.t.updated_datetime = rec.t.trashed_datetime;
  rec.u = now;
  store.dirty();
  store.recordEvent('ticket-updated', 'Ticket', rec.t.id, now);
  return clone(rec.t);
}

export function deleteTicket({ store }: MutationContext, id: number, o: { recordEvent?: boolean } = {}): void {
  const rec = store.live(id);
  store.tickets.delete(rec.t.id);
  store.unlistMessages(rec.msgs);
  store.dirty();
  const now = store.stamp();
  if (o.recordEvent !== false) store.recordEvent('ticket-deleted', 'Ticket', rec.t.id, now);
}

export function deleteMessage({ store }: MutationContext, ticketId: number, messageId: number): void {
  const { rec, mr: gone } = store.message(ticketId, messageId);
  rec.msgs = rec.msgs.filter((r) => r !== gone);
  store.unlistMessages([gone]);
  const now = store.stamp();
  rec.t.messages_count = rec.msgs.length;
  rec.t.updated_datetime = gorgiasDatetime(now);
  rec.u = now;
  store.dirty();
  store.recordEvent('ticket-updated', 'Ticket', rec.t.id, now);
}

