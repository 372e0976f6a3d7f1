/**
 * Ticket changes made to an account (by tests through `SimAccount` or the control API). Each gets a
 * timestamp strictly after everything in the account and records the events Gorgias records; what the
 * sources leave open follows the account's behaviour options (behaviour.ts).
 */
import type { GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import { customerRef } from './message-builder';
import type { MutationContext } from './mutation-context';
import { recordTicketChangeEvents, ticketState } from './ticket-events';
import { byCreatedThenId, clone, TicketRec } from './store';

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
    custom_fields: {},
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

/** `o.userId`: the user making the change, the events' `user_id` (the actor a ticket history shows). */
export function updateTicket(
  { store, fire, behaviour }: MutationContext,
  id: number,
  patch: Partial<GorgiasTicket>,
  o: { userId?: number | null } = {},
): GorgiasTicket {
  const rec = store.live(id);
  const now = store.stamp();
  const statusBefore = rec.t.status;
  const before = ticketState(rec.t);
  const { id: _i, created_datetime: _c, updated_datetime: _u, messages_count: _m, ...rest } = clone(patch);
  Object.assign(rec.t, rest);
  rec.t.updated_datetime = gorgiasDatetime(now);
  if (patch.status === 'closed' && patch.closed_datetime === undefined) rec.t.closed_datetime = rec.t.updated_datetime;
  if (patch.status === 'open' && patch.closed_datetime === undefined) rec.t.closed_datetime = null;
  rec.u = now;
  store.dirty();
  store.recordEvent('ticket-updated', 'Ticket', rec.t.id, now, null, o.userId ?? null);
  recordTicketChangeEvents(store, { before, after: rec.t, at: now, withData: behaviour().eventDataIds, userId: o.userId ?? null });
  fire('ticket-updated', { ticket: clone(rec.t) });
  if (rec.t.status !== statusBefore) fire('ticket-status-updated', { ticket: clone(rec.t) });
  if ('assignee_user' in patch || 'assignee_team' in patch) fire('ticket-assignment-updated', { ticket: clone(rec.t) });
  return clone(rec.t);
}

/** Moves a ticket's sort key `updated_datetime` to `now`. */
function touch(rec: TicketRec, now: number): void {
  rec.t.updated_datetime = gorgiasDatetime(now);
  rec.u = now;
}

/** UI "Delete": the ticket goes to the trash, stays listed (`trashed` defaults to true) and readable. */
export function trashTicket({ store, behaviour }: MutationContext, id: number): GorgiasTicket {
  const rec = store.live(id);
  const now = store.stamp();
  rec.t.trashed_datetime = gorgiasDatetime(now);
  if (behaviour().trashMovesUpdatedDatetime) touch(rec, now);
  store.dirty();
  store.recordEvent('ticket-trashed', 'Ticket', rec.t.id, now);
  return clone(rec.t);
}

/** Restores a trashed ticket (ticket-untrashed). */
export function restoreTicket({ store, behaviour }: MutationContext, id: number): GorgiasTicket {
  const rec = store.live(id);
  const now = store.stamp();
  rec.t.trashed_datetime = null;
  if (behaviour().trashMovesUpdatedDatetime) touch(rec, now);
  store.dirty();
  store.recordEvent('ticket-untrashed', 'Ticket', rec.t.id, now);
  return clone(rec.t);
}

/**
 * Merges `sourceId` into `targetId`: the source's messages move to the target with their ids and
 * `created_datetime`; the source disappears (404, gone from lists). Records ticket-merged on the target.
 */
export function mergeTickets({ store, behaviour }: MutationContext, sourceId: number, targetId: number): GorgiasTicket {
  const src = store.live(sourceId);
  const dst = store.live(targetId);
  if (src === dst) throw new Error('A ticket cannot be merged into itself');
  const now = store.stamp();
  const b = behaviour();
  for (const mr of src.msgs) {
    mr.m.ticket_id = dst.t.id;
    mr.m.uri = `/api/tickets/${dst.t.id}/messages/${mr.m.id}/`;
    dst.msgs.push(mr);
  }
  dst.msgs.sort(byCreatedThenId);
  const t = dst.t;
  t.messages_count = dst.msgs.length;
  const last = dst.msgs[dst.msgs.length - 1];
  if (last) t.last_message_datetime = last.m.created_datetime;
  const lastReceived = [...dst.msgs].reverse().find((mr) => !mr.m.from_agent);
  if (lastReceived) t.last_received_message_datetime = lastReceived.m.created_datetime;
  if (b.mergeMovesTargetUpdatedDatetime) touch(dst, now);
  store.tickets.delete(src.t.id);
  store.dirty();
  store.recordEvent('ticket-merged', 'Ticket', dst.t.id, now, b.eventDataIds ? { merged_ticket_id: src.t.id, ticket_id: dst.t.id } : null);
  if (b.mergeRecordsTicketDeleted) store.recordEvent('ticket-deleted', 'Ticket', src.t.id, now);
  return clone(t);
}

/** "Delete forever": 404 afterwards, gone from every list with its messages. */
export function deleteTicket({ store }: MutationContext, id: number, o: { recordEvent?: boolean } = {}): void {
  const rec = store.live(id);
  store.tickets.delete(rec.t.id);
  store.unlistMessages(rec.msgs);
  store.dirty();
  const now = store.stamp();
  if (o.recordEvent !== false) store.recordEvent('ticket-deleted', 'Ticket', rec.t.id, now);
}
