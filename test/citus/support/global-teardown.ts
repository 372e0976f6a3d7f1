import { execFileSync } from 'node:child_process';
import { CLUSTER_SCRIPT } from './global-setup';

/** Stops the cluster only when this run started it; the data and the Citus build stay for the next run. */
export default async function globalTeardown(): Promise<void> {
  if (!(globalThis as any).__CXCONNECT_CITUS__?.stopAfter) return;
  execFileSync('bash', [CLUSTER_SCRIPT, 'stop'], { stdio: 'inherit' });
}
