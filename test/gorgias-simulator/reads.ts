/** What the read routes serve: one ticket, and each list paged with keyset cursors. */
import type { GorgiasEvent, GorgiasMessage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { ApiError } from './api-error';
import { decodeCursor, keysetPage, PageResult } from './pagination';
import { AccountStore, byCreatedThenId, clone, MsgRec } from './store';

export interface TicketListQuery {
  order: string;
  limit: number;
  cursor: string | null;
  customerId?: number;
  externalId?: string;
  trashed?: boolean;
  ticketIds?: number[];
}

export interface MessageListQuery {
  order: string;
  limit: number;
  cursor: string | null;
  ticketId?: number;
  requireTicket?: boolean;
  /** Whether messages of trashed tickets are listed (behaviour option; the worst case hides them). */
  includeTrashed: boolean;
}

export interface EventListQuery {
  order: string;
  limit: number;
  cursor: string | null;
  types?: string[];
  objectType?: string;
  objectId?: number;
  userId?: number;
  gte?: number;
  gt?: number;
  lte?: number;
  lt?: number;
}

export function getTicket(store: AccountStore, id: number): GorgiasTicket {
  const rec = store.live(id);
  // The Ticket object documents `messages` ("Messages of the ticket"); retrieve embeds them, lists do not.
  return { ...clone(rec.t), messages: [...rec.msgs].sort(byCreatedThenId).map((m) => clone(m.m)) };
}

export function listTickets(store: AccountStore, q: TicketListQuery): PageResult<GorgiasTicket> {
  const [field, dir] = q.order.split(':');
  let recs = field === 'updated_datetime' ? store.byUpdated() : store.byCreated();
  if (q.customerId !== undefined || q.externalId !== undefined || q.trashed === false || q.ticketIds) {
    const ids = q.ticketIds ? new Set(q.ticketIds) : null;
    recs = recs.filter(
      (r) =>
        (q.customerId === undefined || r.t.customer?.id === q.customerId) &&
        (q.externalId === undefined || r.t.external_id === q.externalId) &&
        (q.trashed !== false || !r.t.trashed_datetime) &&
        (!ids || ids.has(r.t.id)),
    );
  }
  const cursor = q.cursor === null ? null : decodeCursor(q.cursor, 'tickets', q.order);
  const page = keysetPage(recs, field === 'updated_datetime' ? (r) => r.u : (r) => r.c, (r) => r.t.id, {
    desc: dir === 'desc',
    limit: q.limit,
    cursor,
    resource: 'tickets',
    order: q.order,
  });
  return { ...page, data: page.data.map((r) => clone(r.t)) };
}

export function listMessages(store: AccountStore, q: MessageListQuery): PageResult<GorgiasMessage> {
  let recs: MsgRec[];
  const resource = q.ticketId === undefined ? 'messages' : `messages:${q.ticketId}`;
  if (q.ticketId !== undefined) {
    const t = store.tickets.get(q.ticketId);
    if (!t && q.requireTicket) throw new ApiError(404, `Ticket ${q.ticketId} not found`);
    recs = t && (q.includeTrashed || !t.t.trashed_datetime) ? [...t.msgs].sort(byCreatedThenId) : [];
  } else recs = q.includeTrashed ? store.messagesSorted() : store.messagesOfUntrashedTickets();
  const cursor = q.cursor === null ? null : decodeCursor(q.cursor, resource, q.order);
  const page = keysetPage(
    recs,
    (r) => r.c,
    (r) => r.m.id,
    { desc: q.order.endsWith(':desc'), limit: q.limit, cursor, resource, order: q.order },
  );
  return { ...page, data: page.data.map((r) => clone(r.m)) };
}

export function listEvents(store: AccountStore, q: EventListQuery): PageResult<GorgiasEvent> {
  const recs = store.events.filter(
    (r) =>
      (!q.types || q.types.includes(r.e.type)) &&
      (q.objectType === undefined || r.e.object_type === q.objectType) &&
      (q.objectId === undefined || r.e.object_id === q.objectId) &&
      (q.userId === undefined || r.e.user_id === q.userId) &&
      (q.gte === undefined || r.c >= q.gte) &&
      (q.gt === undefined || r.c > q.gt) &&
      (q.lte === undefined || r.c <= q.lte) &&
      (q.lt === undefined || r.c < q.lt),
  );
  const cursor = q.cursor === null ? null : decodeCursor(q.cursor, 'events', q.order);
  const page = keysetPage(
    recs,
    (r) => r.c,
    (r) => r.e.id,
    { desc: q.order.endsWith(':desc'), limit: q.limit, cursor, resource: 'events', order: q.order },
  );
  return { ...page, data: page.data.map((r) => clone(r.e)) };
}

export function listCustomers(
  store: AccountStore,
  q: { order: string; limit: number; cursor: string | null; email?: string },
): PageResult<Record<string, unknown>> {
  let recs = [...store.customers].sort((a, b) => a.c - b.c || a.id - b.id);
  if (q.email !== undefined) recs = recs.filter((c) => c.email.toLowerCase() === q.email!.toLowerCase());
  const cursor = q.cursor === null ? null : decodeCursor(q.cursor, 'customers', q.order);
  const page = keysetPage(
    recs,
    (r) => r.c,
    (r) => r.id,
    { desc: q.order.endsWith(':desc'), limit: q.limit, cursor, resource: 'customers', order: q.order },
  );
  return { ...page, data: page.data.map((r) => clone(r.obj)) };
}

export function snapshot(store: AccountStore): { tickets: GorgiasTicket[]; messages: GorgiasMessage[] } {
  const tickets = [...store.byCreated()].reverse();
  const messages = [...store.messagesSorted()].reverse();
  return { tickets: tickets.map((r) => clone(r.t)), messages: messages.map((r) => clone(r.m)) };
}
