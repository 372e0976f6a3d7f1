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
/**
 * Issue 24: the changes a ticket's history is made of, stored as `ticket_events` rows. They move the
 * ticket's `updated_datetime` (assumed; docs/gorgias-api.md), so the tickets walk already has the ticket's
 * state after them: no re-read. Names after `ticket-snoozed` are assumed (issue 24).
 */
export const TICKET_HISTORY_EVENT_TYPES = [
  'ticket-assigned',
  'ticket-unassigned',
  'ticket-team-assigned',
  'ticket-team-unassigned',
  'ticket-closed',
  'ticket-reopened',
  'ticket-snoozed',
  'ticket-marked-spam',
  'ticket-unmarked-spam',
  'ticket-tags-added',
  'ticket-tags-removed',
];
/** Issue 24: changes to users (agents), teams and tags; each names the object to re-read (or gone). Assumed names. */
export const AGENT_EVENT_TYPES = ['user-created', 'user-updated', 'user-deleted'];
export const TEAM_EVENT_TYPES = ['team-created', 'team-updated', 'team-deleted'];
export const TAG_EVENT_TYPES = ['tag-created', 'tag-deleted', 'tag-merged'];
/** Every event type an incremental run reads (one call for all of them when the account takes the `types` filter). */
export const SYNC_EVENT_TYPES = [
  ...TICKET_DELETION_EVENT_TYPES,
  ...TICKET_REFRESH_EVENT_TYPES,
  ...TICKET_HISTORY_EVENT_TYPES,
  ...AGENT_EVENT_TYPES,
  ...TEAM_EVENT_TYPES,
  ...TAG_EVENT_TYPES,
];
/** Event object types the events above are about (for accounts that refuse the type filter). */
export const SYNC_EVENT_OBJECT_TYPES = ['Ticket', 'TicketMessage', 'User', 'Team', 'Tag'];
