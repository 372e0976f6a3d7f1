import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { createCitusDatabase, databaseUrl, dropCitusDatabase } from '../test/support/citus-database';

/**
 * BENCH_DATABASE_URL: a PostgreSQL server (a URL of its `postgres` database) that a bench runs against
 * instead of an embedded PostgreSQL of its own, e.g. a Citus coordinator. The bench makes a fresh database
 * there and drops it after. On Citus, CITUS_WORKER_URLS (as `scripts/citus-cluster.sh start` prints it)
 * names the workers: the database and the citus extension are made on every node, as the test tier does.
 * Figures measured this way are printed only, never written to docs/benchmarks.md (bench-report.ts).
 */
export const EXTERNAL_SERVER = process.env.BENCH_DATABASE_URL;

export interface BenchDatabase {
  url: string;
  /** The embedded server's data directory; undefined on an external server (its CPU is not measured). */
  dataDir?: string;
  stop(): Promise<void>;
}

async function withClient(url: string, sql: string): Promise<void> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** An embedded PostgreSQL in `dataDir`, or a fresh database on BENCH_DATABASE_URL's server. */
export async function openBenchDatabase(dataDir: string, opts: Parameters<typeof startEmbeddedPostgres>[1] = {}): Promise<BenchDatabase> {
  if (!EXTERNAL_SERVER) {
    const db = await startEmbeddedPostgres(dataDir, opts);
    return { url: db.url, dataDir, stop: () => db.stop() };
  }
  const name = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const workers = (process.env.CITUS_WORKER_URLS ?? '').split(',').filter(Boolean);
  if (workers.length) {
    const nodes = { coordinator: EXTERNAL_SERVER, workers };
    await createCitusDatabase(nodes, name);
    return { url: databaseUrl(EXTERNAL_SERVER, name), stop: () => dropCitusDatabase(nodes, name) };
  }
  await withClient(EXTERNAL_SERVER, `CREATE DATABASE ${name}`);
  return {
    url: databaseUrl(EXTERNAL_SERVER, name),
    stop: () => withClient(EXTERNAL_SERVER, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
