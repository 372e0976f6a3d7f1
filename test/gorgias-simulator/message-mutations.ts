/** Message changes: new messages, later changes (sent, failed, deleted datetimes) and deletion. */
import type { GorgiasMessage } from '../../src/gorgias/gorgias.types';
import { gorgiasDatetime } from './datetime';
import { buildMessage, escapeHtml } from './message-builder';
import type { MutationContext } from './mutation-context';
import { clone, MsgRec, TicketRec } from './store';

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
  if (partial.body_text !== undefined && partial.body_html === undefined)
    m.body_html = `<div>${escapeHtml(String(partial.body_text ?? ''))}</div>`;
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

/** Fields a message change may set; 'now' stands for the change's own timestamp. */
export type MessagePatch = Partial<Omit<GorgiasMessage, 'id' | 'ticket_id' | 'created_datetime' | 'uri'>>;
const DATETIME_FIELDS = ['sent_datetime', 'failed_datetime', 'deleted_datetime', 'opened_datetime'] as const;

function eventData(ctx: MutationContext, rec: TicketRec): Record<string, unknown> | null {
  return ctx.behaviour().eventDataIds ? { ticket_id: rec.t.id } : null;
}

function touchTicket(ctx: MutationContext, rec: TicketRec, now: number): void {
  if (!ctx.behaviour().messageChangeMovesTicketUpdatedDatetime) return;
  rec.t.updated_datetime = gorgiasDatetime(now);
  rec.u = now;
  ctx.store.dirty();
}

/**
 * Changes a message after creation (e.g. sending failed: `failed_datetime`). Records
 * ticket-message-updated, plus ticket-message-failed when `failed_datetime` becomes set.
 */
export function updateMessage(ctx: MutationContext, ticketId: number, messageId: number, patch: MessagePatch): GorgiasMessage {
  const { rec, mr } = ctx.store.message(ticketId, messageId);
  const now = ctx.store.stamp();
  const { id: _i, ticket_id: _t, created_datetime: _c, uri: _u, ...rest } = clone(patch) as Partial<GorgiasMessage>;
  for (const f of DATETIME_FIELDS) if (rest[f] === 'now') rest[f] = gorgiasDatetime(now);
  const failedBefore = mr.m.failed_datetime;
  Object.assign(mr.m, rest);
  touchTicket(ctx, rec, now);
  ctx.store.messagesDirty();
  ctx.store.recordEvent('ticket-message-updated', 'TicketMessage', mr.m.id, now, eventData(ctx, rec));
  if (mr.m.failed_datetime && !failedBefore) {
    ctx.store.recordEvent('ticket-message-failed', 'TicketMessage', mr.m.id, now, eventData(ctx, rec));
    ctx.fire('ticket-message-failed', { ticket: clone(rec.t), message: clone(mr.m) });
  }
  return clone(mr.m);
}

/** Removes one message from every list; its ticket's messages_count drops. Records ticket-message-deleted. */
export function deleteMessage(ctx: MutationContext, ticketId: number, messageId: number): void {
  const { rec, mr: gone } = ctx.store.message(ticketId, messageId);
  rec.msgs = rec.msgs.filter((r) => r !== gone);
  ctx.store.unlistMessages([gone]);
  const now = ctx.store.stamp();
  rec.t.messages_count = rec.msgs.length;
  touchTicket(ctx, rec, now);
  ctx.store.recordEvent('ticket-message-deleted', 'TicketMessage', gone.m.id, now, eventData(ctx, rec));
}
