import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';
import type { CustomerRow } from './ticket-rows';
import type { CustomerWriteRow } from './ticket-write.rows';

/**
 * The `customers` table as the code knows it: ONE entry per column (see ColumnSpec and ticket.columns.ts).
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

// The row types spell exactly these columns (a column added on one side only fails the build here).
const _readRow: SameKeys<keyof CustomerRow, ReadColumnsOf<typeof CUSTOMER_COLUMNS>> = true;
const _writeRow: SameKeys<keyof CustomerWriteRow, WrittenColumnsOf<typeof CUSTOMER_COLUMNS>> = true;

/** Customer columns read (in CustomerRow), in SELECT order. */
export const CUSTOMER_READ_COLUMNS = readColumns(CUSTOMER_COLUMNS);
