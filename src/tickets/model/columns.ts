/**
 * What one column of a synced table is, as data: the tables of ticket.table.ts, message.table.ts
 * and customer.table.ts are the one place a column is listed. The write lists, the read SELECTs,
 * the field-to-column map and the columns the change feed compares are all derived from them (by
 * the functions below and by the repositories, which alone turn them into SQL).
 */

/** The PostgreSQL types of the synced columns (as a write's `jsonb_to_recordset` declares them). */
export type SqlType = 'uuid' | 'bigint' | 'int' | 'text' | 'text[]' | 'boolean' | 'timestamptz' | 'jsonb';

export interface ColumnSpec {
  column: string;
  type: SqlType;
  /**
   * The GraphQL field of the entity whose value this column gives (several columns may give one field,
   * e.g. sender_email and sender_name give `sender`). Absent: stored only, not shown by the API.
   * A column with a field is read by every read of the entity, and a change to it is a change for the feed.
   */
  field?: string;
  /** Written from the provider's row by the sync's upsert. */
  write?: true;
  /** The provider's id: the upsert's conflict key (first in the written record, never updated). */
  upsertKey?: true;
  /** Read by every page whatever the fields asked (keys, the sort key and its cursor). */
  always?: true;
  /** Stored only, yet a change to it changes what the API shows (e.g. the excerpt a description falls back to). */
  shown?: true;
  /** Other columns the field needs besides this one (e.g. deletedAt also says "trashed"). */
  needs?: readonly string[];
  /** A `TicketFilter` argument on this column: an exact match, or exact ignoring case. */
  filter?: { arg: string; match: 'exact' | 'exact-ignoring-case' };
}

/** The column names of a table's entries that match `E` (for types derived from a table). */
export type ColumnsOf<T extends readonly ColumnSpec[], E = unknown> = Extract<T[number], E>['column'];
/** The columns every read of the entity returns: those with a field, and those every page reads. */
export type ReadColumnsOf<T extends readonly ColumnSpec[]> = ColumnsOf<T, { field: string }> | ColumnsOf<T, { always: true }>;
/** The columns of the record the upsert writes (its key first). */
export type WrittenColumnsOf<T extends readonly ColumnSpec[]> = ColumnsOf<T, { write: true }>;

/** Compile-time check that a row type spells exactly the table's columns: `true` only when `A` and `B` are the same keys. */
export type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** The columns every read returns, in table order. */
export const readColumns = (table: readonly ColumnSpec[]): ColumnSpec[] => table.filter((c) => c.field !== undefined || c.always);

/** The columns the upsert writes besides its key, in table order. */
export const writeColumns = (table: readonly ColumnSpec[]): string[] => table.filter((c) => c.write && !c.upsertKey).map((c) => c.column);

/** The record the upsert reads its rows as (`column type`), key first. */
export const recordColumns = (table: readonly ColumnSpec[]): string[] =>
  [...table.filter((c) => c.upsertKey), ...table.filter((c) => c.write && !c.upsertKey)].map((c) => `${c.column} ${c.type}`);

/** Of the written columns, those the API shows (directly or through another field): a change to one is a change for the feed. */
export const shownWriteColumns = (table: readonly ColumnSpec[]): string[] =>
  table.filter((c) => c.write && !c.upsertKey && (c.field !== undefined || c.shown)).map((c) => c.column);

/** Each GraphQL field with the columns it is read from (its own, then what it also needs). */
export function fieldColumns(table: readonly ColumnSpec[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const c of table) {
    if (c.field === undefined) continue;
    const columns = out.get(c.field) ?? [];
    columns.push(c.column, ...(c.needs ?? []));
    out.set(c.field, columns);
  }
  return out;
}
