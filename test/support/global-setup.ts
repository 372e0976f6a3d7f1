import { mkdtempSync, chmodSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';

/**
 * One real PostgreSQL server for the whole e2e run (or the one in TEST_DATABASE_URL);
 * each test file then creates and drops its own database on it.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.TEST_DATABASE_URL) return;
  const dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-test-'));
  chmodSync(dir, 0o755); // the server runs as `postgres`
  const db = await startEmbeddedPostgres(path.join(dir, 'postgres'));
  process.env.TEST_DATABASE_URL = db.url;
  (globalThis as any).__CXCONNECT_TEST_DB__ = { db, dir };
  writeFileSync(path.join(dir, 'url'), db.url);
}
