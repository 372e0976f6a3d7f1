/** The Gorgias events a sync acts on (the engine reads them through its helpdesk source port). */

/** Gorgias event types that remove a ticket. */
export const TICKET_DELETION_EVENT_TYPES = ['ticket-deleted'];
/**
 * Gorgias event types after which a ticket is re-read on its own: changes that need not move its
 * `updated_datetime` (so a walk on it never sees them) or that remove messages from the lists.
 */
export const TICKET_REFRESH_EVENT_TYPES = [
  'ticket-trashed',
  'ticket-untrashed',
  'ticket-merged',
  'ticket-message-deleted',
  'ticket-message-updated',
  'ticket-message-failed',
];
/** Every event type an incremental run reads. */
export const SYNC_EVENT_TYPES = [...TICKET_DELETION_EVENT_TYPES, ...TICKET_REFRESH_EVENT_TYPES];
/** Event object types the events above are about (for accounts that refuse the type filter). */
export const SYNC_EVENT_OBJECT_TYPES = ['Ticket', 'TicketMessage'];
