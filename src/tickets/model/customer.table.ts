import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * The `customers` table as the code knows it: ONE entry per column (see ColumnSpec and ticket.table.ts).
 * Order: the read SELECT's (the write lists keep the same order).
 */
export const CUSTOMER_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  { column: 'email', type: 'text', field: 'email', write: true },
  { column: 'name', type: 'text', field: 'name', write: true },
  { column: 'payload', type: 'jsonb', write: true },
  { column: 'source_version', type: 'timestamptz', write: true },
] as const satisfies readonly ColumnSpec[];

/** A customer as reads return it. */
export interface CustomerRow {
  connector_id: string;
  external_id: string;
  email: string | null;
  name: string | null;
}

/** A customer as the sync writes it (see TicketWriteRow). */
export interface CustomerWriteRow {
  external_id: number;
  email: string | null;
  name: string | null;
  payload: unknown;
  /** Which version of the provider's customer this is (the updated time of the object that carried it). */
  source_version: string;
}

// The row types spell exactly these columns (a column added on one side only fails the build here).
const _readRow: SameKeys<keyof CustomerRow, ReadColumnsOf<typeof CUSTOMER_COLUMNS>> = true;
const _writeRow: SameKeys<keyof CustomerWriteRow, WrittenColumnsOf<typeof CUSTOMER_COLUMNS>> = true;

/** Customer columns read (in CustomerRow), in SELECT order. */
export const CUSTOMER_READ_COLUMNS = readColumns(CUSTOMER_COLUMNS);
