import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { COORDINATOR_LOCAL_TABLES, DISTRIBUTED_TABLES as TENANT_KEYED_TABLES } from '../../migrations/1764000000100-TenantKeyedSchema';
import { COVERAGE_TABLES } from '../../migrations/1764000000110-CoverageObjects';

const DISTRIBUTED_TABLES = [...TENANT_KEYED_TABLES, ...COVERAGE_TABLES];
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { citusNodesFromEnv } from '../support/citus-database';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * What the migrations leave on a Citus cluster (this replaced the probe that recorded why nothing could be
 * distributed before migration 1764000000100): the per-tenant tables hash-distributed on tenant_id in one
 * co-location group, with shards on both workers; the run queue, cursors and feed position log local.
 */
describe('the tenant-keyed schema on Citus', () => {
  const nodes = citusNodesFromEnv()!;
  let db: TestDatabase;
  let client: Client;

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
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('hash-distributes tickets, messages, customers (and every per-tenant table) on tenant_id, co-located', async () => {
    const { rows } = await client.query(
      `SELECT table_name::text AS t, citus_table_type AS type, distribution_column AS col, colocation_id AS grp
         FROM citus_tables ORDER BY 1`,
    );
    expect(rows.map((r) => r.t)).toEqual([...DISTRIBUTED_TABLES].sort());
    expect(new Set(rows.map((r) => `${r.type}/${r.col}`))).toEqual(new Set(['distributed/tenant_id']));
    expect(new Set(rows.map((r) => r.grp)).size).toBe(1);
    const { rows: methods } = await client.query(
      `SELECT logicalrelid::regclass::text AS t, partmethod FROM pg_dist_partition
        WHERE logicalrelid IN ('tickets'::regclass, 'messages'::regclass, 'customers'::regclass) ORDER BY 1`,
    );
    expect(methods).toEqual([
      { t: 'customers', partmethod: 'h' },
      { t: 'messages', partmethod: 'h' },
      { t: 'tickets', partmethod: 'h' },
    ]);
  });

  it('puts shards of tickets, messages and customers on both workers, a tenant on one', async () => {
    const workerPorts = nodes.workers.map((w) => Number(new URL(w).port)).sort();
    for (const table of ['tickets', 'messages', 'customers']) {
      const { rows } = await client.query(
        `SELECT DISTINCT nodeport::int AS port FROM citus_shards WHERE table_name = $1::regclass ORDER BY 1`,
        [table],
      );
      expect(rows.map((r) => r.port)).toEqual(workerPorts);
    }
    // Co-located: one tenant's shard of each table is on the same node.
    const { rows: placed } = await client.query(
      `SELECT DISTINCT s.nodeport FROM citus_shards s
        WHERE s.table_name IN ('tickets'::regclass, 'messages'::regclass, 'customers'::regclass, 'connectors'::regclass)
          AND s.shardid IN (SELECT get_shard_id_for_distribution_column(t, 'tenant-x')
                              FROM unnest(ARRAY['tickets','messages','customers','connectors']::regclass[]) t)`,
    );
    expect(placed).toHaveLength(1);
  });

  it('keeps the run queue, the cursors and the feed position log on the coordinator, as plain tables', async () => {
    const { rows } = await client.query(`SELECT relname::text AS t FROM pg_class WHERE relname = ANY($1) AND relkind = 'r' ORDER BY 1`, [
      COORDINATOR_LOCAL_TABLES,
    ]);
    expect(rows.map((r) => r.t)).toEqual([...COORDINATOR_LOCAL_TABLES].sort());
    const { rows: citus } = await client.query(`SELECT count(*)::int AS n FROM citus_tables WHERE table_name::text = ANY($1)`, [
      COORDINATOR_LOCAL_TABLES,
    ]);
    expect(citus[0].n).toBe(0);
  });
});
