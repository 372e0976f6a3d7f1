import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/** The `teams` table (issue 24; Gorgias `GET /api/teams`). As agents: `deleted_at` set on a 404. */
export const TEAM_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  { column: 'name', type: 'text', field: 'name', write: true },
  { column: 'deleted_at', type: 'timestamptz', field: 'deletedAt' },
] as const satisfies readonly ColumnSpec[];

/** A team as reads return it (bigint ids as decimal text). */
export interface TeamRow {
  connector_id: string;
  external_id: string;
  name: string;
  deleted_at: Date | null;
}

/** A team as the sync writes it. */
export interface TeamWriteRow {
  external_id: number;
  name: string;
}

const _readRow: SameKeys<keyof TeamRow, ReadColumnsOf<typeof TEAM_COLUMNS>> = true;
const _writeRow: SameKeys<keyof TeamWriteRow, WrittenColumnsOf<typeof TEAM_COLUMNS>> = true;

/** Team columns read (in TeamRow), in SELECT order. */
export const TEAM_READ_COLUMNS = readColumns(TEAM_COLUMNS);
