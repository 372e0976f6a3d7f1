import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * Today's state, as a check: every table of the current schema that carries tenant_id is tried with
 * create_distributed_table(t, 'tenant_id') in a transaction rolled back after, so that each attempt sees the
 * schema as the migrations leave it. None can be distributed yet.
 *
 * The tenant-keyed schema (issue 23, step 1) will flip this: tenant_id in every primary, unique and foreign
 * key, small shared tables as reference tables. When it lands these expectations fail on purpose: replace
 * them with the assertion that every per-tenant table is distributed by the migrations themselves.
 */
const NOT_REFERENCE =
  'referenced table "connectors" must be a distributed table or a reference table / ' +
  'To enforce foreign keys, the referencing and referenced rows need to be stored on the same node.';
const IDENTITY = 'cannot complete operation on a table with identity column';
const KEY_WITHOUT_TENANT =
  'cannot create constraint on "%s" / Distributed relations cannot have UNIQUE, EXCLUDE, or PRIMARY KEY constraints ' +
  'that do not include the partition column (with an equality operator if EXCLUDE).';

describe('distributing the current schema on Citus (probe)', () => {
  let db: TestDatabase;
  let client: Client;
  let tenantTables: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    const ds = new DataSource({ type: 'postgres', url: db.url, migrations, migrationsTransactionMode: 'each', logging: false });
    await ds.initialize();
    try {
      await runMigrationsLocked(ds);
    } finally {
      await ds.destroy();
    }
    client = new Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT table_name::text FROM information_schema.columns
       WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`,
    );
    tenantTables = rows.map((r) => r.table_name);
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  /** Each attempt under a savepoint, so that one failure neither aborts nor changes the next attempt. */
  async function tryDistribute(table: string): Promise<string> {
    await client.query('SAVEPOINT attempt');
    try {
      await client.query(`SELECT create_distributed_table($1, 'tenant_id')`, [table]);
      return 'distributed';
    } catch (e) {
      const { message, detail } = e as { message: string; detail?: string };
      return detail ? `${message} / ${detail}` : message;
    } finally {
      await client.query('ROLLBACK TO SAVEPOINT attempt');
    }
  }

  /** `prepare` runs first in the same transaction; the tables in `skip` are not tried. */
  async function probe(prepare?: string, skip: string[] = []): Promise<Record<string, string>> {
    const outcome: Record<string, string> = {};
    await client.query('BEGIN');
    try {
      if (prepare) await client.query(prepare);
      for (const table of tenantTables.filter((t) => !skip.includes(t))) outcome[table] = await tryDistribute(table);
    } finally {
      await client.query('ROLLBACK');
    }
    return outcome;
  }

  it('fails for every tenant table: connectors is keyed without the tenant, and every other table references it', async () => {
    const dependents = tenantTables.filter((t) => t !== 'connectors');
    expect(await probe()).toEqual({
      connectors: KEY_WITHOUT_TENANT.replace('%s', 'connectors'),
      ...Object.fromEntries(dependents.map((t) => [t, NOT_REFERENCE])),
    });
    expect(dependents).toEqual([
      'connector_webhooks',
      'customers',
      'messages',
      'sync_cursors',
      'sync_log_entries',
      'sync_quarantine',
      'sync_runs',
      'ticket_changes',
      'ticket_refresh_requests',
      'tickets',
    ]);
  });

  it('still fails past the connectors reference: these tables have keys without the tenant of their own', async () => {
    // Makes connectors a reference table for this transaction only, to see the next layer of blockers.
    // Keys on (id), (connector_id, ...) or a partial unique index on (connector_id) (sync_runs' one active run).
    const keyed = ['connector_webhooks', 'customers', 'messages', 'sync_cursors', 'sync_runs', 'ticket_changes'];
    keyed.push('ticket_refresh_requests', 'tickets');
    expect(await probe(`SELECT create_reference_table('connectors')`, ['connectors'])).toEqual({
      ...Object.fromEntries(keyed.map((t) => [t, KEY_WITHOUT_TENANT.replace('%s', t)])),
      // An identity column plus a foreign key to a reference table: Citus refuses it before it looks at the keys
      // (measured: the same table with the tenant in its key and no such foreign key distributes).
      sync_log_entries: IDENTITY,
      sync_quarantine: IDENTITY,
    });
  });
});
