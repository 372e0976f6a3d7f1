import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { TEST_ENCRYPTION_KEYS, TEST_JWT_SECRET } from './test-app';

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
