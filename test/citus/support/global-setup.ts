import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

export const CLUSTER_SCRIPT = path.resolve(__dirname, '../../../scripts/citus-cluster.sh');

/**
 * The Citus tier's server: scripts/citus-cluster.sh builds Citus when it is missing (minutes, once per
 * machine) and starts a coordinator and two workers. Suites then get their databases from
 * test/support/test-database.ts as on plain PostgreSQL: with CITUS_COORDINATOR_URL set, each database is
 * made on all three nodes and its URL is the coordinator's.
 */
export default async function globalSetup(): Promise<void> {
  // A cluster already running (a developer's) is used and left running; one started here is stopped after.
  const wasRunning = spawnSync('bash', [CLUSTER_SCRIPT, 'status'], { stdio: 'ignore' }).status === 0;
  const out = execFileSync('bash', [CLUSTER_SCRIPT, 'start'], {
    stdio: ['ignore', 'pipe', 'inherit'], // the build's and the script's progress go to the terminal
    encoding: 'utf8',
    timeout: 25 * 60_000,
  });
  const printed = new Map(
    out
      .split('\n')
      .filter((line) => /^[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  for (const key of ['CITUS_COORDINATOR_URL', 'CITUS_WORKER_URLS', 'DATABASE_URL']) {
    if (!printed.get(key)) throw new Error(`${CLUSTER_SCRIPT} start printed no ${key}:\n${out}`);
  }
  process.env.CITUS_COORDINATOR_URL = printed.get('CITUS_COORDINATOR_URL');
  process.env.CITUS_WORKER_URLS = printed.get('CITUS_WORKER_URLS');
  // The server test-database.ts creates databases on (and test/support/global-setup.ts then starts none).
  process.env.TEST_DATABASE_URL = printed.get('CITUS_COORDINATOR_URL');
  // The cluster's standing database (extension and nodes in place), for suites that want one URL.
  process.env.CITUS_DATABASE_URL = printed.get('DATABASE_URL');
  (globalThis as any).__CXCONNECT_CITUS__ = { stopAfter: !wasRunning };
}
