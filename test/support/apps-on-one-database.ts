import { startTestApp, TestApp } from './test-app';
import { createTestDatabase, TestDatabase } from './test-database';

/**
 * Gateways in this process on one fresh database, as the instances of a deployment share one: started
 * in order, one per `env`, then closed in reverse and the database dropped, whatever happens (a start
 * that fails too). For tests of what instances do to each other: claims, leases, cross-instance wake-ups.
 */
export async function withAppsOnOneDatabase(
  envs: Record<string, string>[],
  fn: (apps: TestApp[], db: TestDatabase) => Promise<void>,
): Promise<void> {
  const db = await createTestDatabase();
  const apps: TestApp[] = [];
  try {
    for (const env of envs) apps.push(await startTestApp({ databaseUrl: db.url, env }));
    await fn(apps, db);
  } finally {
    for (const app of apps.reverse()) await app.close();
    await db.drop();
  }
}
