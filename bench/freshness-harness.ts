/**
 * The processes and calls bench:freshness drives: PostgreSQL, the simulator, gateways (the built app)
 * and the load generator, each its own process, plus the GraphQL and simulator-control calls.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { signToken } from '../src/auth/auth.service';
import { freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';

export const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
export const KEYS = `b1:${Buffer.alloc(32, 3).toString('base64')}`;
export const EMAIL = 'bench@acme.test';
export const TENANT = 'bench';
export const ROOT = path.resolve(__dirname, '..');

export const token = signToken({ tenantId: TENANT, role: 'admin' }, SECRET, '2h');

export function waitForLine(child: ChildProcess, re: RegExp, what: string, timeoutMs = 60_000): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out.slice(-2000)}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(re);
      if (m) {
        clearTimeout(timer);
        resolve(m);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (out += d.toString()));
    child.on('exit', (c) => reject(new Error(`${what} exited ${c}:\n${out.slice(-2000)}`)));
  });
}

export async function startSimulator(): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.join(ROOT, 'test/gorgias-simulator/cli.ts'),
      '--port',
      String(port),
      '--subdomain',
      'unused',
      '--tickets',
      '1',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT },
  );
  await waitForLine(child, new RegExp(`127\\.0\\.0\\.1:${port}`), 'simulator');
  return { url: `http://127.0.0.1:${port}`, child };
}

export interface Gateway {
  url: string;
  child: ChildProcess;
}

export async function startGateway(env: Record<string, string>): Promise<Gateway> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js')], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      AUTH_JWT_SECRET: SECRET,
      SECRETS_ENCRYPTION_KEYS: KEYS,
      LOG_LEVEL: 'warn',
      ...env,
      ...(env.PUBLIC_BASE_URL === 'self' ? { PUBLIC_BASE_URL: `http://127.0.0.1:${port}` } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (process.env.BENCH_LOG_DIR) {
    const log = createWriteStream(path.join(process.env.BENCH_LOG_DIR, `gateway-${port}.log`));
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  await waitForLine(child, /GraphQL: http/, 'gateway');
  return { url: `http://127.0.0.1:${port}`, child };
}

export async function gql(url: string, query: string, variables?: object): Promise<any> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as any;
  if (json.errors) throw new Error(JSON.stringify(json.errors).slice(0, 500));
  return json.data;
}

export async function control(simUrl: string, method: string, route: string, body?: unknown): Promise<any> {
  const res = await fetch(`${simUrl}/__control/${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`control ${route}: ${res.status}`);
  return res.json();
}

/** CPU seconds and RSS of a process, from /proc (Linux). */
export function procStats(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  return { cpuSeconds: ticks / 100, rssBytes: rss };
}

export function sampler(pids: number[]) {
  const start = pids.map((p) => ({ ...procStats(p), at: Date.now() }));
  const peak = pids.map(() => 0);
  const timer = setInterval(() => pids.forEach((p, i) => (peak[i] = Math.max(peak[i], procStats(p).rssBytes))), 500);
  return () => {
    clearInterval(timer);
    return pids.map((p, i) => {
      const end = procStats(p);
      const seconds = (Date.now() - start[i].at) / 1000;
      return { cpuPercent: (100 * (end.cpuSeconds - start[i].cpuSeconds)) / seconds, peakRssMb: Math.max(peak[i], end.rssBytes) / 1048576 };
    });
  };
}

export async function createConnectors(
  gatewayUrl: string,
  simUrl: string,
  offset: number,
  count: number,
  tickets: number,
  intervalMinutes: number,
) {
  const accounts: { subdomain: string; connectorId: string; ticketIds: number[] }[] = [];
  for (let i = offset; i < offset + count; i++) {
    const subdomain = `acct${String(i).padStart(3, '0')}`;
    const apiKey = `bench-key-${subdomain}`;
    await control(simUrl, 'POST', 'accounts', { subdomain, email: EMAIL, apiKey, seed: i + 1, tickets });
    const snap = await control(simUrl, 'GET', `${subdomain}/snapshot`);
    const created = await gql(gatewayUrl, `mutation($i: CreateGorgiasConnectorInput!) { createGorgiasConnector(input: $i) { id } }`, {
      i: { email: EMAIL, apiKey, subdomain, syncIntervalMinutes: intervalMinutes },
    });
    accounts.push({
      subdomain,
      connectorId: created.createGorgiasConnector.id,
      ticketIds: snap.tickets.filter((t: any) => !t.trashed_datetime).map((t: any) => t.id),
    }); // trashed ones are hidden from tickets()
  }
  return accounts;
}

export async function activateAll(gatewayUrl: string, accounts: { connectorId: string }[]) {
  for (const a of accounts) await gql(gatewayUrl, `mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id: a.connectorId });
  // Wait for every initial sync.
  for (;;) {
    const ids = new Set(accounts.map((a) => a.connectorId));
    const mine = (await gql(gatewayUrl, `{ connectors { id dataFreshAsOf realtime { mode } } }`)).connectors.filter((c: any) =>
      ids.has(c.id),
    );
    if (mine.every((c: any) => c.dataFreshAsOf)) return mine;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export function runLoad(config: object): Promise<any> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'bench/freshness-load.ts')], {
    cwd: ROOT,
    env: { ...process.env, BENCH_LOAD: JSON.stringify(config) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!)) : reject(new Error(`load generator exited ${code}`)),
    ),
  );
}

export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
export const sec = (ms: number) => (Number.isNaN(ms) ? '—' : `${(ms / 1000).toFixed(1)} s`);

export async function withDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-fresh-'));
  chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'pg'));
  try {
    return await fn(db.url);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
