import { Client } from 'pg';
import { citusNodesFromEnv } from '../support/citus-database';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** The tier's own ground: the cluster is up, and a per-test database really spreads shards over both workers. */
describe('the Citus cluster', () => {
  const nodes = citusNodesFromEnv()!;
  let db: TestDatabase;
  let client: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    client = new Client({ connectionString: db.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await db?.drop();
  });

  it('has two active workers, the ones the global setup was given', async () => {
    const { rows } = await client.query(
      'SELECT node_name, node_port::int AS node_port FROM citus_get_active_worker_nodes() ORDER BY node_port',
    );
    const expected = nodes.workers.map((w) => ({ node_name: new URL(w).hostname, node_port: Number(new URL(w).port) }));
    expect(rows).toEqual(expected.sort((a, b) => a.node_port - b.node_port));
  });

  it('runs Citus on every node of a test database (CREATE DATABASE alone would not reach the workers)', async () => {
    const { rows } = await client.query(
      `SELECT result FROM run_command_on_workers($$SELECT extversion FROM pg_extension WHERE extname = 'citus'$$)`,
    );
    expect(rows.map((r) => r.result)).toEqual(['13.2-1', '13.2-1']);
  });

  it('hash-distributes a table with shards on both workers', async () => {
    await client.query('CREATE TABLE probe_items (tenant_id text NOT NULL, n int NOT NULL, PRIMARY KEY (tenant_id, n))');
    await client.query(`SELECT create_distributed_table('probe_items', 'tenant_id')`);
    await client.query(`INSERT INTO probe_items SELECT 'tenant-' || (i % 20), i FROM generate_series(1, 200) i`);
    const { rows } = await client.query(
      `SELECT nodeport, count(*)::int AS shards FROM citus_shards WHERE table_name = 'probe_items'::regclass
       GROUP BY nodeport ORDER BY nodeport`,
    );
    expect(rows.map((r) => Number(r.nodeport))).toEqual(nodes.workers.map((w) => Number(new URL(w).port)).sort());
    expect(rows.every((r) => r.shards > 0)).toBe(true);
    const { rows: count } = await client.query('SELECT count(*)::int AS n FROM probe_items');
    expect(count[0].n).toBe(200);
  });
});
