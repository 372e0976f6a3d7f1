import { ColumnSpec, fieldColumns, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * The `messages` table as the code knows it: ONE entry per column (see ColumnSpec and ticket.table.ts).
 * Order: the read SELECT's (the write lists keep the same order).
 */
export const MESSAGE_COLUMNS = [
  { column: 'id', type: 'uuid', field: 'id' },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  // A message moved to another ticket changes both (Message.ticketId is the stored ticket's id).
  { column: 'ticket_external_id', type: 'bigint', write: true, shown: true },
  { column: 'channel', type: 'text', field: 'channel', write: true },
  { column: 'via', type: 'text', field: 'via', write: true },
  { column: 'from_agent', type: 'boolean', field: 'fromAgent', write: true },
  { column: 'public', type: 'boolean', field: 'public', write: true },
  { column: 'sender_email', type: 'text', field: 'sender', write: true },
  { column: 'sender_name', type: 'text', field: 'sender', write: true },
  { column: 'receiver_email', type: 'text', field: 'receiver', write: true },
  { column: 'receiver_name', type: 'text', field: 'receiver', write: true },
  { column: 'subject', type: 'text', field: 'subject', write: true },
  { column: 'body_text', type: 'text', field: 'bodyText', write: true },
  { column: 'body_html', type: 'text', field: 'bodyHtml', write: true },
  // The ticket's description falls back to it.
  { column: 'stripped_text', type: 'text', write: true, shown: true },
  { column: 'body_original_length', type: 'int', write: true },
  { column: 'attachments', type: 'jsonb', field: 'attachments', write: true },
  { column: 'created_at', type: 'timestamptz', field: 'createdAt', write: true },
  { column: 'sent_at', type: 'timestamptz', field: 'sentAt', write: true },
  { column: 'failed_at', type: 'timestamptz', field: 'failedAt', write: true },
  // A deleted message leaves the conversation.
  { column: 'deleted_at', type: 'timestamptz', write: true, shown: true },
  { column: 'source_version', type: 'timestamptz', write: true },
  { column: 'payload', type: 'jsonb', write: true },
  // Not stored: created_at with microseconds (text), the conversation's cursor key.
  { column: 'created_at_key', type: 'text', always: true },
] as const satisfies readonly ColumnSpec[];

/** Message fields answered from no column of the message row. */
export const MESSAGE_FIELDS_WITHOUT_COLUMNS = ['__typename', 'ticketId'];

/** A message as every read returns it (column names as selected). */
export interface MessageRow {
  id: string;
  external_id: string;
  channel: string | null;
  via: string | null;
  from_agent: boolean;
  public: boolean;
  sender_email: string | null;
  sender_name: string | null;
  receiver_email: string | null;
  receiver_name: string | null;
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
  attachments: unknown;
  created_at: Date;
  sent_at: Date | null;
  failed_at: Date | null;
  /** created_at with microseconds, for cursors. */
  created_at_key: string;
}

/** A page of one ticket's messages, as the batch query returns it. */
export interface MessagePageRow extends MessageRow {
  ord: string;
  ticket_id: string;
  total: number;
}

/** A message as the sync writes it (see TicketWriteRow). */
export interface MessageWriteRow {
  external_id: number;
  ticket_external_id: number;
  channel: string | null;
  via: string | null;
  from_agent: boolean;
  public: boolean;
  sender_email: string | null;
  sender_name: string | null;
  receiver_email: string | null;
  receiver_name: string | null;
  subject: string | null;
  body_text: string | null;
  body_html: string | null;
  stripped_text: string | null;
  /** The length the provider sent of the longest body field, when it had to be cut to be stored; else null. */
  body_original_length: number | null;
  attachments: unknown[];
  created_at: string;
  sent_at: string | null;
  failed_at: string | null;
  deleted_at: string | null;
  /** Which version of the provider's message this is (an older one never overwrites a newer one). */
  source_version: string;
  payload: unknown;
}

// The row types spell exactly these columns (a column added on one side only fails the build here).
const _readRow: SameKeys<keyof MessageRow, ReadColumnsOf<typeof MESSAGE_COLUMNS>> = true;
const _writeRow: SameKeys<keyof MessageWriteRow, WrittenColumnsOf<typeof MESSAGE_COLUMNS>> = true;

/** Message columns read (in MessageRow), in SELECT order. */
export const MESSAGE_READ_COLUMNS = readColumns(MESSAGE_COLUMNS);
/** The columns behind each Message field. */
export const MESSAGE_FIELD_COLUMNS = fieldColumns(MESSAGE_COLUMNS);
