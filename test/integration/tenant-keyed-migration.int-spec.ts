import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { DISTRIBUTED_TABLES, TenantKeyedSchema1764000000100 } from '../../migrations/1764000000100-TenantKeyedSchema';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const TABLES = [
  'connectors',
  'sync_runs',
  'sync_log_entries',
  'sync_cursors',
  'customers',
  'tickets',
  'messages',
  'connector_webhooks',
  'ticket_refresh_requests',
  'ticket_changes',
  'sync_quarantine',
];

/** Rows of every table for two tenants, written through the schema as the migrations before 100 left it. */
async function seed(ds: DataSource): Promise<void> {
  for (const tenant of ['tenant-a', 'tenant-b']) {
    const [c] = await ds.query(
      `INSERT INTO connectors (tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
       VALUES ($1, 'c', 'a@example.com', $1, 'x', 'k', 'abcd', 'ACTIVE') RETURNING id`,
      [tenant],
    );
    const p = [tenant, c.id];
    const [run] = await ds.query(`INSERT INTO sync_runs (tenant_id, connector_id, mode) VALUES ($1, $2, 'FULL') RETURNING id`, p);
    await ds.query(`INSERT INTO sync_log_entries (tenant_id, connector_id, run_id, level, message) VALUES ($1, $2, $3, 'INFO', 'hi')`, [
      ...p,
      run.id,
    ]);
    await ds.query(`INSERT INTO sync_cursors (tenant_id, connector_id, stream, watermark) VALUES ($1, $2, 'tickets', now())`, p);
    await ds.query(`INSERT INTO customers (tenant_id, connector_id, external_id, payload) VALUES ($1, $2, 7, '{}')`, p);
    await ds.query(
      `INSERT INTO tickets (tenant_id, connector_id, external_id, status, created_at, updated_at, payload)
       SELECT $1, $2, i, 'open', now(), now(), '{}' FROM generate_series(1, 3) i`,
      p,
    );
    await ds.query(
      `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, created_at, payload)
       SELECT $1, $2, 100 + i, i, now(), '{}' FROM generate_series(1, 3) i`,
      p,
    );
    await ds.query(
      `INSERT INTO connector_webhooks (tenant_id, connector_id, state, url, secret_ciphertext, secret_key_id)
       VALUES ($1, $2, 'REGISTERED', 'https://x', 's', 'k')`,
      p,
    );
    await ds.query(`INSERT INTO ticket_refresh_requests (tenant_id, connector_id, ticket_external_id) VALUES ($1, $2, 1)`, p);
    await ds.query(
      `INSERT INTO ticket_changes (tenant_id, connector_id, ticket_external_id) SELECT $1, $2, i FROM generate_series(1, 3) i`,
      p,
    );
    await ds.query(
      `INSERT INTO sync_quarantine (tenant_id, connector_id, run_id, object_type, external_id, reason)
       VALUES ($1, $2, $3, 'ticket', '9', 'r')`,
      [...p, run.id],
    );
  }
}

async function snapshot(ds: DataSource): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  // Whole rows as JSON, ordered, so that a changed value shows as well as a lost row.
  for (const t of TABLES) out[t] = (await ds.query(`SELECT to_jsonb(x) AS r FROM ${t} x`)).map((r: any) => r.r);
  // The feed stamp columns are new (checked apart): the rows are compared without them.
  for (const r of out.tickets as Record<string, unknown>[]) {
    delete r.feed_xact_id;
    delete r.feed_seq;
  }
  for (const t of TABLES) out[t].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return out;
}

/** An existing database (every earlier migration applied, rows in every table) migrates without losing a row. */
describe('migration 1764000000100 (tenant-keyed schema) on a database in use', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    // The migrations released before this one (later ones, e.g. 110, build on its keys and run after it).
    const before = migrations.slice(0, migrations.indexOf(TenantKeyedSchema1764000000100));
    ds = new DataSource({ type: 'postgres', url: db.url, migrations: before, logging: false });
    await ds.initialize();
    await runMigrationsLocked(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('keeps every row of every table, puts the tenant in the keys, and deletes a connector with all its data', async () => {
    await seed(ds);
    const before = await snapshot(ds);
    expect(Object.values(before).every((rows) => rows.length >= 2)).toBe(true);
    await ds.destroy();

    const upToThis = migrations.slice(0, migrations.indexOf(TenantKeyedSchema1764000000100) + 1);
    ds = new DataSource({ type: 'postgres', url: db.url, migrations: upToThis, logging: false });
    await ds.initialize();
    let applied: string[] = [];
    await runMigrationsLocked(ds, (names) => (applied = names));
    expect(applied).toEqual(['TenantKeyedSchema1764000000100']);
    expect(await snapshot(ds)).toEqual(before);
    // Every ticket is stamped with its current feed position.
    const unstamped = await ds.query(
      `SELECT t.external_id FROM tickets t JOIN ticket_changes c ON c.tenant_id = t.tenant_id AND c.connector_id = t.connector_id
          AND c.ticket_external_id = t.external_id WHERE (t.feed_xact_id, t.feed_seq) IS DISTINCT FROM (c.xact_id, c.seq)`,
    );
    expect(unstamped).toEqual([]);
    // On the Citus tier the rows above were read back from the workers' shards.
    const [{ citus }] = await ds.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus`);
    if (citus) {
      const dist = await ds.query(`SELECT table_name::text AS t FROM citus_tables WHERE citus_table_type = 'distributed' ORDER BY 1`);
      expect(dist.map((r: any) => r.t)).toEqual([...DISTRIBUTED_TABLES].sort());
    }

    const keys: { t: string; def: string }[] = await ds.query(
      `SELECT conrelid::regclass::text AS t, pg_get_constraintdef(oid) AS def FROM pg_constraint
        WHERE contype IN ('p','u','f') AND conrelid = ANY($1::regclass[]) ORDER BY 1, 2`,
      [TABLES.filter((t) => !['sync_runs', 'sync_cursors', 'ticket_changes'].includes(t))],
    );
    expect(keys.length).toBeGreaterThan(10);
    expect(keys.filter((k) => !k.def.includes('(tenant_id, '))).toEqual([]);

    // The same external id under another tenant's connector is a row of its own (keys are per tenant).
    const [b] = await ds.query(`SELECT id FROM connectors WHERE tenant_id = 'tenant-b'`);
    await ds.query(`DELETE FROM connectors WHERE tenant_id = 'tenant-a'`);
    const left = await snapshot(ds);
    for (const t of ['connectors', 'customers', 'tickets', 'messages', 'sync_log_entries', 'sync_quarantine', 'connector_webhooks']) {
      expect(left[t]).toEqual(before[t].filter((r: any) => r.tenant_id === 'tenant-b'));
    }
    expect(left.tickets.every((r: any) => r.connector_id === b.id)).toBe(true);
  });
});
