import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * `ticket_events` (issue 24): a ticket's history of assignment, team, status, snooze, spam and tags, one
 * row per provider event (its id is the key, so an event read twice is stored once). `type` is the
 * provider's event type (`ticket-assigned`, `ticket-team-unassigned`, `ticket-closed`, `ticket-tags-added` …),
 * `at` its time, `actor_external_id` the user who did it (null for rules and integrations).
 * What changed is filled from the event's data when it says, else from the ticket re-read that the event
 * caused (its state after the change): `assignee_external_id`, `team_external_id`, `status`, and tag
 * NAMES in `tags_added` / `tags_removed` (names, as `Ticket.tags` shows them; a tag's id is in `tags`).
 */
export const TICKET_EVENT_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  { column: 'ticket_external_id', type: 'bigint', field: 'ticketExternalId', write: true },
  { column: 'type', type: 'text', field: 'type', write: true },
  { column: 'at', type: 'timestamptz', field: 'at', write: true },
  { column: 'actor_external_id', type: 'bigint', field: 'actorExternalId', write: true },
  { column: 'assignee_external_id', type: 'bigint', field: 'assigneeExternalId', write: true },
  { column: 'team_external_id', type: 'bigint', field: 'teamExternalId', write: true },
  { column: 'status', type: 'text', field: 'status', write: true },
  { column: 'tags_added', type: 'text[]', field: 'tagsAdded', write: true },
  { column: 'tags_removed', type: 'text[]', field: 'tagsRemoved', write: true },
] as const satisfies readonly ColumnSpec[];

/** A history entry as reads return it (bigint ids as decimal text). */
export interface TicketEventRow {
  connector_id: string;
  external_id: string;
  ticket_external_id: string;
  type: string;
  at: Date;
  actor_external_id: string | null;
  assignee_external_id: string | null;
  team_external_id: string | null;
  status: string | null;
  tags_added: string[];
  tags_removed: string[];
}

/** A history entry as the sync writes it (`at` as an ISO string). */
export interface TicketEventWriteRow {
  external_id: number;
  ticket_external_id: number;
  type: string;
  at: string;
  actor_external_id: number | null;
  assignee_external_id: number | null;
  team_external_id: number | null;
  status: string | null;
  tags_added: string[];
  tags_removed: string[];
}

const _readRow: SameKeys<keyof TicketEventRow, ReadColumnsOf<typeof TICKET_EVENT_COLUMNS>> = true;
const _writeRow: SameKeys<keyof TicketEventWriteRow, WrittenColumnsOf<typeof TICKET_EVENT_COLUMNS>> = true;

/** History columns read (in TicketEventRow), in SELECT order. */
export const TICKET_EVENT_READ_COLUMNS = readColumns(TICKET_EVENT_COLUMNS);
