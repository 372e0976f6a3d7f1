import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The project's migrations, through the runner the app uses at start-up, on a Citus coordinator. Today every
 * table stays a plain local table on the coordinator (nothing distributes them yet).
 */
describe('migrations on the Citus coordinator', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply in full, and leave every table local', async () => {
    const ds = new DataSource({ type: 'postgres', url: db.url, migrations, migrationsTransactionMode: 'each', logging: false });
    await ds.initialize();
    let applied: string[] = [];
    try {
      await runMigrationsLocked(ds, (names) => (applied = names));
    } finally {
      await ds.destroy();
    }
    expect(applied).toEqual(migrations.map((m) => m.name));

    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows: tables } = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables[0].n).toBeGreaterThan(5);
      // citus_tables lists distributed and reference tables; the migrations create none.
      const { rows: distributed } = await client.query('SELECT table_name::text FROM citus_tables');
      expect(distributed).toEqual([]);
    } finally {
      await client.end();
    }
  });
});
