import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations';
import { runMigrationsLocked } from '../../../src/database/database-migration.service';
import { createTestDatabase } from '../../support/test-database';

/** A migrated database of its own on the suite's PostgreSQL, through a TypeORM DataSource like the app's. */
export interface IntegrationDb {
  ds: DataSource;
  url: string;
  close(): Promise<void>;
}

/** `pool`: extra node-postgres pool settings (e.g. idle_in_transaction_session_timeout). */
export async function openIntegrationDb(pool: Record<string, unknown> = {}): Promise<IntegrationDb> {
  const db = await createTestDatabase();
  const ds = new DataSource({ type: 'postgres', url: db.url, migrations, synchronize: false, logging: false, extra: { max: 5, ...pool } });
  await ds.initialize();
  await runMigrationsLocked(ds);
  return {
    ds,
    url: db.url,
    close: async () => {
      await ds.destroy();
      await db.drop();
    },
  };
}

/** An ACTIVE Gorgias connector of a fresh tenant (the key columns hold placeholders: nothing here decrypts them). */
export async function seedConnector(ds: DataSource): Promise<{ tenantId: string; connectorId: string }> {
  const tenantId = `tenant-${randomBytes(4).toString('hex')}`;
  const [row] = await ds.query(
    `INSERT INTO connectors (tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
     VALUES ($1, 'test', 'agent@example.com', $2, 'x', 'x', 'abcd', 'ACTIVE') RETURNING id`,
    [tenantId, `acme-${randomBytes(3).toString('hex')}`],
  );
  return { tenantId, connectorId: row.id };
}
