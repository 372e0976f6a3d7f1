import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { migrations } from '../../migrations';
import { ConnectorHealthRepository } from '../../src/observability/health/connector-health.repository';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { SyncLogRepository } from '../../src/sync/repositories/sync-log.repository';
import { SyncRunRepository } from '../../src/sync/repositories/sync-run.repository';
import { TicketRefreshRequestRepository } from '../../src/sync/repositories/ticket-refresh-request.repository';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * The statements that are cross-tenant by nature (the schedulers' due scans, retention, the metrics scrape)
 * still ask every shard (docs/scale-out.md, "Fan-out by nature"). What this checks is that the cost is the one
 * documented: one task per shard, and in each task an index probe of what is due or expired (never a scan of
 * the table), so the work per shard is proportional to what there is to do; the metrics scrape reads one
 * row per connector by design. Recorded from the repositories, as router-plans.citus-spec.ts does.
 */
describe('fan-out statements ask every shard through an index', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let explain: Client;
  let shards: number;
  const log: Statement[] = [];
  const recorder = { query: (sql: string, params: unknown[] = []) => (log.push({ sql, params }), ds.query(sql, params)) };
  const wrap = (m: EntityManager) => ({ query: (sql: string, p: unknown[] = []) => (log.push({ sql, params: p }), m.query(sql, p)) });
  const source = {
    ...recorder,
    transaction: <T>(work: (m: EntityManager) => Promise<T>) => ds.transaction((m) => work(wrap(m) as unknown as EntityManager)),
  } as unknown as DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, migrations, logging: false });
    await ds.initialize();
    await runMigrationsLocked(ds);
    for (const tenant of ['tenant-a', 'tenant-b', 'tenant-c', 'tenant-d']) {
      await ds.query(
        `INSERT INTO connectors (tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
         VALUES ($1, 'c', 'a@example.com', $1, 'x', 'k', 'abcd', 'ACTIVE')`,
        [tenant],
      );
    }
    explain = new Client({ connectionString: db.url });
    await explain.connect();
    // Plans as on a large table: the planner would pick a scan of a table this small whatever its indexes.
    // SET LOCAL reaches the workers, which plan the tasks, only with this (see plans()).
    await explain.query(`SET citus.propagate_set_commands = 'local'`);
    [{ n: shards }] = (await explain.query(`SELECT count(*)::int AS n FROM citus_shards WHERE table_name = 'connectors'::regclass`)).rows;
  });
  afterAll(async () => {
    await explain?.end();
    await ds?.destroy();
    await db?.drop();
  });

  /** Each recorded statement that reads a distributed table: its task counts and whether the task shown scans a table. */
  async function plans(statements: Statement[]): Promise<{ sql: string; tasks: number[]; scans: boolean }[]> {
    const out = [];
    for (const s of statements) {
      await explain.query('BEGIN');
      await explain.query('SET LOCAL enable_seqscan = off');
      const { rows } = await explain.query(`EXPLAIN ${s.sql}`, s.params);
      await explain.query('ROLLBACK');
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      if (process.env.SHOW_PLANS) console.log(`${s.sql}\n${plan}`);
      if (!plan.includes('Citus')) continue; // coordinator-local
      const tasks = [...plan.matchAll(/Task Count: (\d+)/g)].map((m) => Number(m[1]));
      out.push({ sql: s.sql.replace(/\s+/g, ' ').slice(0, 80), tasks, scans: /Seq Scan on \w+_\d+/.test(plan) });
    }
    return out;
  }

  async function recorded(action: () => Promise<unknown>): Promise<Statement[]> {
    log.length = 0;
    await action();
    return [...log];
  }

  it("the schedulers' due scans: one task per shard, each an index probe of the due rows", async () => {
    const statements = await recorded(async () => {
      await new SyncRunRepository(source).enqueueDue();
      await new TicketRefreshRequestRepository(source).enqueueRuns(300, 300, 30);
      await new TicketRefreshRequestRepository(source).nextDueAt(300);
    });
    const found = await plans(statements);
    expect(found.length).toBeGreaterThanOrEqual(3);
    for (const p of found) expect(p).toEqual({ sql: p.sql, tasks: expect.arrayContaining([shards]), scans: false });
  });

  it('retention: the expired log lines and runs, one task per shard, each through an index', async () => {
    const statements = await recorded(async () => {
      await new SyncLogRepository(source).pruneOlderThan(30);
      await new SyncRunRepository(source).pruneFinished(30, 2);
    });
    const found = await plans(statements);
    expect(found.length).toBeGreaterThanOrEqual(1);
    for (const p of found) expect(p).toEqual({ sql: p.sql, tasks: expect.arrayContaining([shards]), scans: false });
  });

  it('the metrics scrape: one row per connector from every shard, by design', async () => {
    const statements = await recorded(() => new ConnectorHealthRepository(source).allFacts());
    const found = await plans(statements);
    expect(found.map((p) => p.tasks)).toEqual([[shards]]);
  });
});
