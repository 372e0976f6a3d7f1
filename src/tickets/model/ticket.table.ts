import { ColumnSpec, fieldColumns, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * The `tickets` table as the code knows it: ONE entry per column (see ColumnSpec). Adding a column
 * here adds it to the upsert, the read SELECT, the field-to-column map and the feed's comparison; the
 * row types below (TicketRow, TicketWriteRow) must then spell it too (the build fails otherwise), and
 * api/ticket-columns.spec.ts checks that every `field` is a field of the GraphQL Ticket, every Ticket
 * field is here, and toTicket carries every read column.
 * Order: the read SELECT's (the write lists keep the same order).
 */
export const TICKET_COLUMNS = [
  { column: 'id', type: 'uuid', field: 'id', always: true },
  { column: 'connector_id', type: 'uuid', field: 'connectorId', always: true, filter: { arg: 'connectorId', match: 'exact' } },
  { column: 'external_id', type: 'bigint', field: 'externalId', always: true, write: true, upsertKey: true },
  { column: 'subject', type: 'text', field: 'subject', write: true },
  // Set from the first message by TicketWriteRepository (the excerpt when there is none).
  { column: 'description', type: 'text', field: 'description' },
  { column: 'excerpt', type: 'text', write: true, shown: true },
  { column: 'status', type: 'text', field: 'status', write: true, filter: { arg: 'status', match: 'exact' } },
  { column: 'priority', type: 'text', field: 'priority', write: true, filter: { arg: 'priority', match: 'exact' } },
  { column: 'channel', type: 'text', field: 'channel', write: true, filter: { arg: 'channel', match: 'exact' } },
  { column: 'via', type: 'text', field: 'via', write: true },
  { column: 'language', type: 'text', field: 'language', write: true },
  { column: 'tags', type: 'text[]', field: 'tags', write: true },
  { column: 'messages_count', type: 'int', field: 'messagesCount', write: true },
  { column: 'spam', type: 'boolean', field: 'spam', write: true },
  // Issue 24: who and which team the ticket is assigned to (provider ids; `assignee` and `team` are answered
  // from the agents and teams rows, batched, keyed by these), and until when it sleeps.
  {
    column: 'assignee_external_id',
    type: 'bigint',
    field: 'assignee',
    write: true,
    filter: { arg: 'assigneeExternalId', match: 'exact' },
  },
  { column: 'team_external_id', type: 'bigint', field: 'team', write: true, filter: { arg: 'teamExternalId', match: 'exact' } },
  { column: 'snoozed_until', type: 'timestamptz', field: 'snoozedUntil', write: true },
  // The first public message from an agent (created_at): set by the message write path
  // (TicketWriteRepository), like the description; not written by the ticket upsert.
  { column: 'first_agent_reply_at', type: 'timestamptz', field: 'firstAgentReplyAt' },
  { column: 'created_at', type: 'timestamptz', field: 'createdAt', write: true },
  { column: 'updated_at', type: 'timestamptz', field: 'updatedAt', always: true, write: true },
  { column: 'opened_at', type: 'timestamptz', write: true },
  { column: 'closed_at', type: 'timestamptz', field: 'closedAt', write: true },
  { column: 'last_message_at', type: 'timestamptz', field: 'lastMessageAt', write: true },
  { column: 'trashed_at', type: 'timestamptz', field: 'trashedAt', write: true },
  // Set by the sync's deletions (and cleared by the upsert); a trashed ticket counts as deleted.
  { column: 'deleted_at', type: 'timestamptz', field: 'deletedAt', needs: ['trashed_at'] },
  // The customer as the ticket carries it: the fallback of the customers row.
  { column: 'customer_external_id', type: 'bigint', field: 'customer', write: true },
  {
    column: 'customer_email',
    type: 'text',
    field: 'customer',
    write: true,
    filter: { arg: 'customerEmail', match: 'exact-ignoring-case' },
  },
  { column: 'customer_name', type: 'text', field: 'customer', write: true },
  { column: 'payload', type: 'jsonb', write: true },
  // Not stored: updated_at with microseconds (text), the ticket list's cursor key.
  { column: 'updated_at_key', type: 'text', always: true },
] as const satisfies readonly ColumnSpec[];

/** Ticket fields answered from no column of the ticket row (`messages` reads its own table). */
export const TICKET_FIELDS_WITHOUT_COLUMNS = [
  '__typename',
  'messages',
  // Coverage: read from their own tables, batched by (connector, Gorgias ticket id), both always read.
  'tagList',
  'satisfaction',
  'customFields',
  'history',
];

/** A ticket as every read returns it (column names as selected; bigint ids as decimal text). */
export interface TicketRow {
  id: string;
  connector_id: string;
  external_id: string;
  subject: string | null;
  description: string | null;
  status: string;
  priority: string | null;
  channel: string | null;
  via: string | null;
  language: string | null;
  tags: string[] | null;
  messages_count: number;
  created_at: Date;
  updated_at: Date;
  closed_at: Date | null;
  last_message_at: Date | null;
  trashed_at: Date | null;
  deleted_at: Date | null;
  customer_external_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  spam: boolean;
  assignee_external_id: string | null;
  team_external_id: string | null;
  snoozed_until: Date | null;
  first_agent_reply_at: Date | null;
  /** updated_at with microseconds, for cursors. */
  updated_at_key: string;
}

/** A ticket as the sync writes it: provider-neutral (the provider's mapper, e.g. src/gorgias/mappers, makes it); timestamps as ISO strings. */
export interface TicketWriteRow {
  external_id: number;
  subject: string | null;
  excerpt: string | null;
  status: string;
  priority: string | null;
  channel: string | null;
  via: string | null;
  language: string | null;
  customer_external_id: number | null;
  customer_email: string | null;
  customer_name: string | null;
  tags: string[];
  messages_count: number;
  spam: boolean;
  assignee_external_id: number | null;
  team_external_id: number | null;
  snoozed_until: string | null;
  created_at: string;
  updated_at: string;
  opened_at: string | null;
  closed_at: string | null;
  last_message_at: string | null;
  trashed_at: string | null;
  /** The provider's whole object, kept as jsonb. */
  payload: unknown;
}

// The row types spell exactly these columns (a column added on one side only fails the build here).
const _readRow: SameKeys<keyof TicketRow, ReadColumnsOf<typeof TICKET_COLUMNS>> = true;
const _writeRow: SameKeys<keyof TicketWriteRow, WrittenColumnsOf<typeof TICKET_COLUMNS>> = true;

/** The columns every page needs whatever the fields asked: keys, the sort key and its cursor. */
const KEY_COLUMNS = TICKET_COLUMNS.filter((c) => 'always' in c).map((c) => c.column as string);
/** The columns behind each Ticket field. */
const FIELD_COLUMNS = fieldColumns(TICKET_COLUMNS);
for (const f of TICKET_FIELDS_WITHOUT_COLUMNS) FIELD_COLUMNS.set(f, []);

/** The ticket columns `fields` (Ticket field names asked) need, or undefined when one is unknown here (then all are read). */
export function ticketColumnsFor(fields: Iterable<string>): string[] | undefined {
  const columns = new Set(KEY_COLUMNS);
  for (const f of fields) {
    const needed = FIELD_COLUMNS.get(f);
    if (!needed) return undefined;
    needed.forEach((c) => columns.add(c));
  }
  return [...columns];
}

/** Ticket columns read (in TicketRow), in SELECT order. */
export const TICKET_READ_COLUMNS = readColumns(TICKET_COLUMNS);
