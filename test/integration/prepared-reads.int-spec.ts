import type { AppConfig } from '../../src/config/app.config';
import { PreparedReads } from '../../src/database/prepared-reads';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';

const withCapacity = (n: number) => ({ database: { preparedStatements: n } }) as AppConfig;

/** The statements prepared on the pool's one connection (asked unnamed, so the question is not one of them). */
async function prepared(db: IntegrationDb): Promise<string[]> {
  const rows: { statement: string }[] = await db.ds.query(`SELECT statement FROM pg_prepared_statements ORDER BY prepare_time`);
  return rows.map((r) => r.statement);
}

describe('PreparedReads (real PostgreSQL, one pooled connection)', () => {
  let db: IntegrationDb;
  beforeAll(async () => {
    db = await openIntegrationDb({ max: 1 });
  });
  afterAll(() => db?.close());
  beforeEach(() => db.ds.query('DEALLOCATE ALL'));

  it('prepares each text once per connection and keeps at most the capacity, least recently used dropped', async () => {
    const reads = new PreparedReads(db.ds, withCapacity(2));
    const a = 'SELECT $1::int + 1 AS n';
    const b = 'SELECT $1::int + 2 AS n';
    const c = 'SELECT $1::int + 3 AS n';
    expect(await reads.rows(a, [1])).toEqual([{ n: 2 }]);
    expect(await reads.rows(a, [5])).toEqual([{ n: 6 }]);
    expect(await reads.rows(b, [1])).toEqual([{ n: 3 }]);
    expect(await prepared(db)).toEqual([a, b]);
    await reads.rows(a, [1]); // a is now the most recently used
    expect(await reads.rows(c, [1])).toEqual([{ n: 4 }]);
    expect(await prepared(db)).toEqual([a, c]);
    // The dropped one is prepared again when it comes back.
    expect(await reads.rows(b, [10])).toEqual([{ n: 12 }]);
    expect((await prepared(db)).sort()).toEqual([b, c].sort());
  });

  it('prepares the statement again when a migration changed the columns it returns', async () => {
    await db.ds.query('CREATE TABLE prepared_spec (a int)');
    await db.ds.query('INSERT INTO prepared_spec VALUES (1)');
    const reads = new PreparedReads(db.ds, withCapacity(10));
    const text = 'SELECT * FROM prepared_spec WHERE a = $1';
    expect(await reads.rows(text, [1])).toEqual([{ a: 1 }]);
    await db.ds.query('ALTER TABLE prepared_spec ADD COLUMN b int DEFAULT 7');
    expect(await reads.rows(text, [1])).toEqual([{ a: 1, b: 7 }]);
    await db.ds.query('DROP TABLE prepared_spec');
  });

  it('gives a failing statement its error and leaves the connection usable', async () => {
    const reads = new PreparedReads(db.ds, withCapacity(10));
    await expect(reads.rows('SELECT 1 / $1::int AS n', [0])).rejects.toMatchObject({ code: '22012' });
    await expect(reads.rows('SELECT nope FROM', [])).rejects.toMatchObject({ code: '42601' });
    expect(await reads.rows('SELECT 1 / $1::int AS n', [1])).toEqual([{ n: 1 }]);
  });

  it('with capacity 0 prepares nothing (for a pooler in transaction mode)', async () => {
    const reads = new PreparedReads(db.ds, withCapacity(0));
    expect(await reads.rows('SELECT $1::int AS n', [3])).toEqual([{ n: 3 }]);
    expect(await prepared(db)).toEqual([]);
  });
});
