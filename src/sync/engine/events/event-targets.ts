import { SourceEvent, sourceTimeMs, TICKET_DELETION_EVENT_TYPES, TICKET_REFRESH_EVENT_TYPES } from '../source/helpdesk-source';

/** The events this file sorts (history, users, teams and tags: coverage-event-targets.ts). */
const TICKET_EVENT_TYPES = [...TICKET_DELETION_EVENT_TYPES, ...TICKET_REFRESH_EVENT_TYPES];

/** What a batch of Gorgias events asks the connector to do. */
export interface EventTargets {
  /** Tickets deleted in Gorgias ("Delete forever"): soft-deleted here without a call. */
  deletedTicketIds: string[];
  /** Tickets to re-read on their own (trash, restore, merge target or source, a message event naming its ticket). */
  ticketIds: string[];
  /** Messages an event names without its ticket: their ticket is looked up among stored messages. */
  messageIds: string[];
  /** Relevant events read, for remembering which were handled. */
  handled: { id: string; at: string }[];
}

/** A Gorgias id as a decimal string, or null for anything that is not a positive safe integer (hostile content). */
export function idOf(value: unknown): string | null {
  const n = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? String(n) : null;
}

/**
 * Sorts events into what to do. Checks on our side what the API was asked to filter (type and
 * date), because a fallback read may be unfiltered; skips events already handled by an earlier run.
 * Message events name only the message unless the account puts `ticket_id` in `data`;
 * `ticket-merged` names the target (and the source only in `data.merged_ticket_id`).
 */
export function eventTargets(events: SourceEvent[], sinceMs: number, alreadyHandled: ReadonlySet<string>): EventTargets {
  const deleted = new Set<string>();
  const tickets = new Set<string>();
  const messages = new Set<string>();
  const handled: EventTargets['handled'] = [];
  for (const e of events) {
    if (!e || typeof e !== 'object' || !TICKET_EVENT_TYPES.includes(e.type)) continue;
    const at = e.created_datetime;
    if (!(sourceTimeMs(at) >= sinceMs)) continue;
    const eventId = idOf(e.id);
    if (eventId) {
      handled.push({ id: eventId, at });
      if (alreadyHandled.has(eventId)) continue;
    }
    const objectId = idOf(e.object_id);
    const data = e.data && typeof e.data === 'object' ? e.data : {};
    if (TICKET_DELETION_EVENT_TYPES.includes(e.type)) {
      if (objectId) deleted.add(objectId);
    } else if (e.type.startsWith('ticket-message-')) {
      const ticketId = idOf(data.ticket_id);
      if (ticketId) tickets.add(ticketId);
      else if (objectId) messages.add(objectId);
    } else {
      if (objectId) tickets.add(objectId);
      const source = idOf(data.merged_ticket_id);
      if (source) tickets.add(source);
    }
  }
  for (const id of deleted) tickets.delete(id);
  return { deletedTicketIds: [...deleted], ticketIds: [...tickets], messageIds: [...messages], handled };
}
