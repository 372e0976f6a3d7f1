import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { DISTRIBUTED_TABLES as TENANT_KEYED_TABLES } from '../../migrations/1764000000100-TenantKeyedSchema';
import { COVERAGE_TABLES } from '../../migrations/1764000000110-CoverageObjects';

const DISTRIBUTED_TABLES = [...TENANT_KEYED_TABLES, ...COVERAGE_TABLES];
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The project's migrations, through the runner the app uses at start-up, on a Citus coordinator: they apply in
 * full, and the tenant-keyed schema (1764000000100) distributes the per-tenant tables (distribution.citus-spec.ts
 * checks how).
 */
describe('migrations on the Citus coordinator', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('apply in full, and distribute the per-tenant tables', async () => {
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
      // citus_tables lists distributed and reference tables: the per-tenant tables, no reference table.
      const { rows: distributed } = await client.query(
        'SELECT table_name::text AS t, citus_table_type AS type FROM citus_tables ORDER BY 1',
      );
      expect(distributed.map((r) => r.t)).toEqual([...DISTRIBUTED_TABLES].sort());
      expect(distributed.every((r) => r.type === 'distributed')).toBe(true);
    } finally {
      await client.end();
    }
  });
});
