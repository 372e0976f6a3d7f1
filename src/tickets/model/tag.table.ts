import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * The `tags` table (issue 24; Gorgias `GET /api/tags`) and the ticket-tag link by ids (`ticket_tags`).
 * A tag merged into another keeps its row with `merged_into_external_id` and `deleted_at` set; a deleted
 * tag keeps its row with `deleted_at` (its name stays readable in a ticket's history).
 */
export const TAG_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  { column: 'name', type: 'text', field: 'name', write: true },
  { column: 'merged_into_external_id', type: 'bigint', field: 'mergedIntoExternalId' },
  { column: 'deleted_at', type: 'timestamptz', field: 'deletedAt' },
] as const satisfies readonly ColumnSpec[];

/** A tag as reads return it (bigint ids as decimal text). */
export interface TagRow {
  connector_id: string;
  external_id: string;
  name: string;
  merged_into_external_id: string | null;
  deleted_at: Date | null;
}

/** A tag as the sync writes it (from the list, one lookup, or a ticket's `tags`, which carry id and name). */
export interface TagWriteRow {
  external_id: number;
  name: string;
}

const _readRow: SameKeys<keyof TagRow, ReadColumnsOf<typeof TAG_COLUMNS>> = true;
const _writeRow: SameKeys<keyof TagWriteRow, WrittenColumnsOf<typeof TAG_COLUMNS>> = true;

/** Tag columns read (in TagRow), in SELECT order. */
export const TAG_READ_COLUMNS = readColumns(TAG_COLUMNS);

/**
 * `ticket_tags`: which tags (by id) a ticket carries now. The ticket write path replaces a ticket's rows
 * whenever it stores the ticket, so they are the tags of the stored ticket version.
 */
export const TICKET_TAG_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'ticket_external_id', type: 'bigint', field: 'ticketExternalId', write: true, upsertKey: true },
  { column: 'tag_external_id', type: 'bigint', field: 'tagExternalId', write: true, upsertKey: true },
] as const satisfies readonly ColumnSpec[];

/** A ticket-tag link as reads return it. */
export interface TicketTagRow {
  connector_id: string;
  ticket_external_id: string;
  tag_external_id: string;
}

/** A ticket-tag link as the sync writes it. */
export interface TicketTagWriteRow {
  ticket_external_id: number;
  tag_external_id: number;
}

const _linkReadRow: SameKeys<keyof TicketTagRow, ReadColumnsOf<typeof TICKET_TAG_COLUMNS>> = true;
const _linkWriteRow: SameKeys<keyof TicketTagWriteRow, WrittenColumnsOf<typeof TICKET_TAG_COLUMNS>> = true;
