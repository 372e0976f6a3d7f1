import { DataSource } from 'typeorm';
import { MAX_ALIASES, MAX_ROOT_FIELDS } from '../../../src/common/graphql/graphql-limits';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

/** What one operation may cost: priced by the SQL it runs, and bounded in width; the pool bounds every statement. */
describe('query cost matches the work', () => {
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { DB_STATEMENT_TIMEOUT_MS: '1500', DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '4000' } });
    token = t.token(randomTenant('cost'), 'reader');
  });
  afterAll(async () => {
    await t?.close();
  });

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v, token);

  it(`refuses more than ${MAX_ROOT_FIELDS} root fields and more than ${MAX_ALIASES} aliases`, async () => {
    const roots = Array.from({ length: MAX_ROOT_FIELDS + 1 }, (_, i) => `r${i}: viewer { tenantId }`).join(' ');
    const wide = await gql(`{ ${roots} }`);
    expect(wide.errors[0].message).toMatch(/more than 10 root fields/);
    const ok = await gql(`{ ${Array.from({ length: MAX_ROOT_FIELDS }, (_, i) => `r${i}: viewer { tenantId }`).join(' ')} }`);
    expect(ok.errors).toBeUndefined();
    const nested = Array.from({ length: MAX_ALIASES + 1 }, (_, i) => `a${i}: tenantId`).join(' ');
    const aliased = await gql(`{ viewer { ${nested} } }`);
    expect(aliased.errors[0].message).toMatch(/more than 30 aliases/);
    // 2,000 aliased counts (the review's case) never reach the database.
    const many = Array.from({ length: 2000 }, (_, i) => `c${i}: tickets { totalCount }`).join(' ');
    expect((await gql(`{ ${many} }`)).errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('prices totalCount and search by what they run', async () => {
    const counts = Array.from({ length: 10 }, (_, i) => `c${i}: tickets(filter: { search: "refund" }) { totalCount }`).join(' ');
    const r = await gql(`{ ${counts} }`);
    expect(r.errors?.[0].message).toMatch(/too complex/);
    // One search with its count is fine.
    const one = await gql(`{ tickets(filter: { search: "refund" }) { totalCount nodes { id } } }`);
    expect(one.errors).toBeUndefined();
    // Plain counts: a few are fine, many are not.
    const few = await gql(`{ ${Array.from({ length: 3 }, (_, i) => `c${i}: tickets { totalCount }`).join(' ')} }`);
    expect(few.errors).toBeUndefined();
  });

  it('prices messages(first: 1, before: "") as the 50 messages it returns', async () => {
    const fields = 'nodes { id bodyText bodyHtml subject sender { email name } }';
    const backward = await gql(`{ tickets(first: 100) { nodes { messages(first: 1, before: "") { ${fields} } } } }`);
    expect(backward.errors?.[0].message).toMatch(/too complex/);
    const forward = await gql(`{ tickets(first: 100) { nodes { messages(first: 1) { ${fields} } } } }`);
    expect(forward.errors).toBeUndefined();
  });

  it('sets statement_timeout and idle_in_transaction_session_timeout on every pooled connection', async () => {
    const ds = t.app.get(DataSource);
    const [a] = await ds.query('SHOW statement_timeout');
    const [b] = await ds.query('SHOW idle_in_transaction_session_timeout');
    expect(a.statement_timeout).toBe('1500ms');
    expect(b.idle_in_transaction_session_timeout).toBe('4s');
    await expect(ds.query('SELECT pg_sleep(3)')).rejects.toThrow(/statement timeout/);
  });
});

describe('migrations and the pool timeouts', () => {
  it('a migration may run longer than DB_STATEMENT_TIMEOUT_MS (it has connections of its own)', async () => {
    const { createTestDatabase } = await import('../../support/test-database');
    const { runMigrationsLocked } = await import('../../../src/database/database-migration.service');
    const db = await createTestDatabase();
    class SlowMigration1764000000020 {
      name = 'SlowMigration1764000000020';
      async up(q: { query(sql: string): Promise<unknown> }) {
        await q.query('SELECT pg_sleep(1.5)');
      }
      async down() {}
    }
    const ds = new DataSource({
      type: 'postgres',
      url: db.url,
      migrations: [SlowMigration1764000000020],
      extra: { statement_timeout: 500 },
    });
    await ds.initialize();
    try {
      await expect(ds.query('SELECT pg_sleep(1)')).rejects.toThrow(/statement timeout/);
      const applied: string[] = [];
      await runMigrationsLocked(ds, (names) => applied.push(...names));
      expect(applied).toEqual(['SlowMigration1764000000020']);
    } finally {
      await ds.destroy();
      await db.drop();
    }
  });
});
