import { isoInstantSql } from '../../src/database/sql-timestamps';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';

describe('isoInstantSql (real PostgreSQL)', () => {
  let db: IntegrationDb;
  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  it('formats a timestamptz exactly as the Date pg parses from it would print (microseconds truncated, UTC)', async () => {
    const rows: { text: string; date: Date }[] = await db.ds.query(
      `SELECT ${isoInstantSql('x')} AS text, x AS date FROM (VALUES
         ('2025-01-01T00:00:00.999999Z'::timestamptz), ('1999-12-31T23:59:59.000500+05:00'), ('2026-11-26T12:00:00Z'),
         ('2024-02-29T23:59:59.123456-11:30'), ('0999-06-01T00:00:00.5Z')) v(x)`,
    );
    expect(rows).toHaveLength(5);
    for (const r of rows) expect(r.text).toBe(r.date.toISOString());
    expect(rows[0].text).toBe('2025-01-01T00:00:00.999Z');
    expect(rows[1].text).toBe('1999-12-31T18:59:59.000Z');
  });
});
