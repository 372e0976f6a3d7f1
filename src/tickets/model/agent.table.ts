import { ColumnSpec, ReadColumnsOf, readColumns, SameKeys, WrittenColumnsOf } from './columns';

/**
 * The `agents` table (issue 24): the helpdesk's users (Gorgias `GET /api/users`), one entry per column
 * (see ColumnSpec). The key is (tenant_id, connector_id, external_id); the repository supplies the first two.
 * `deleted_at` is set when the provider answers 404 for the user, and cleared when it shows it again.
 * A deactivated user stays, with `active` false (tickets keep naming it).
 */
export const AGENT_COLUMNS = [
  { column: 'connector_id', type: 'uuid', always: true },
  { column: 'external_id', type: 'bigint', field: 'externalId', write: true, upsertKey: true },
  { column: 'name', type: 'text', field: 'name', write: true },
  { column: 'email', type: 'text', field: 'email', write: true },
  { column: 'role', type: 'text', field: 'role', write: true },
  { column: 'active', type: 'boolean', field: 'active', write: true },
  { column: 'deleted_at', type: 'timestamptz', field: 'deletedAt' },
] as const satisfies readonly ColumnSpec[];

/** An agent as reads return it (bigint ids as decimal text). */
export interface AgentRow {
  connector_id: string;
  external_id: string;
  name: string | null;
  email: string | null;
  role: string | null;
  active: boolean;
  deleted_at: Date | null;
}

/** An agent as the sync writes it (provider-neutral; the provider's mapper makes it). */
export interface AgentWriteRow {
  external_id: number;
  name: string | null;
  email: string | null;
  role: string | null;
  active: boolean;
}

const _readRow: SameKeys<keyof AgentRow, ReadColumnsOf<typeof AGENT_COLUMNS>> = true;
const _writeRow: SameKeys<keyof AgentWriteRow, WrittenColumnsOf<typeof AGENT_COLUMNS>> = true;

/** Agent columns read (in AgentRow), in SELECT order. */
export const AGENT_READ_COLUMNS = readColumns(AGENT_COLUMNS);
