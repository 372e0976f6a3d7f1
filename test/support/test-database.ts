import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { citusNodesFromEnv, createCitusDatabase, databaseUrl, dropCitusDatabase } from './citus-database';

/** A fresh database on the test server; `drop()` removes it (and ends any connection left to it). */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * On the Citus tier (CITUS_COORDINATOR_URL set) the database is made on every node of the cluster and the
 * URL is the coordinator's, so a suite runs unchanged on plain PostgreSQL or on Citus.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('TEST_DATABASE_URL is not set: run e2e tests through jest (globalSetup starts PostgreSQL)');
  const name = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const citus = citusNodesFromEnv();
  if (citus) {
    await createCitusDatabase(citus, name);
    return { url: databaseUrl(citus.coordinator, name), drop: () => dropCitusDatabase(citus, name) };
  }
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: databaseUrl(serverUrl, name),
    drop: async () => {
      const c = new Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
