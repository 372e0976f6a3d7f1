import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { GorgiasSimulator, startGorgiasSimulator } from '../gorgias-simulator';
import { TEST_ENCRYPTION_KEYS, TEST_JWT_SECRET } from './test-app';
import { createTestDatabase } from './test-database';

export interface AppProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown hook runs, leases stay behind as after a crash. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

/**
 * Runs the built gateway (dist/, made by `npm run build`, which `npm test` runs first) as its own
 * process, so that it can be killed like a real instance.
 */
export async function startAppProcess(env: Record<string, string>, opts: { preload?: string; ipc?: boolean } = {}): Promise<AppProcess> {
  const child = spawn(process.execPath, [...(opts.preload ? ['--require', opts.preload] : []), MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      SECRETS_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
      LOG_LEVEL: 'info',
      // No scheduled verification unless asked: its calls would add to the counts specs and benches measure.
      VERIFY_EVERY_HOURS: '0',
      ...env,
    },
    stdio: opts.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start:\n${out.slice(-2000)}`)), 30_000);
    const onData = () => {
      const m = out.match(/GraphQL: (http:\/\/[^/\s]+)\/graphql/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${out.slice(-2000)}`));
    });
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    child,
    output: () => out,
    kill9: async () => {
      child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function gqlAt(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

/** The built gateway syncing against a simulator (scheduler on, 1 s tick) on a database of its own. */
export interface SyncingAppProcess {
  sim: GorgiasSimulator;
  app: AppProcess;
  databaseUrl: string;
  /** Stops the gateway, drops its database, closes the simulator. */
  stop(): Promise<void>;
}

/** `env` adds to (or overrides) the gateway's environment. */
export async function startSyncingAppProcess(env: Record<string, string> = {}): Promise<SyncingAppProcess> {
  const sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
  const db = await createTestDatabase();
  try {
    const app = await startAppProcess({
      DATABASE_URL: db.url,
      GORGIAS_BASE_URL: sim.baseUrlTemplate,
      SYNC_SCHEDULER_ENABLED: 'true',
      SYNC_TICK_SECONDS: '1',
      ...env,
    });
    const stop = async () => {
      await app.stop();
      await db.drop();
      await sim.close();
    };
    return { sim, app, databaseUrl: db.url, stop };
  } catch (e) {
    await db.drop();
    await sim.close();
    throw e;
  }
}
