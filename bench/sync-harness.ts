/**
 * What every case of `npm run bench:sync` runs on: the simulator in its own process (so RSS measures the
 * gateway alone), an embedded PostgreSQL, the gateway in this process, and one initial sync from Save &
 * Activate to SUCCEEDED, with the simulator's counts before and after.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHttpApp } from '../src/http-app';
import { signToken } from '../src/auth/auth.service';
import { freePort } from '../src/database/embedded-postgres';
import { openBenchDatabase } from './bench-database';
import { Client } from 'pg';

export const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
export const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
export const CLOCK_SCALE = Number(process.env.BENCH_CLOCK_SCALE ?? 10);
export const RATE_LIMIT = 40;
export const WINDOW_SECONDS = 20;
export const EMAIL = 'bench@acme.test';
export const KEY = 'bench-key-0001';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';

/** The in-process gateway's settings for a sync bench (read by its config at start-up): `extra` adds or overrides. */
export function setGatewayEnv(databaseUrl: string, simPort: number, extra: Record<string, string> = {}): void {
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    AUTH_JWT_SECRET: SECRET,
    SECRETS_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 1).toString('base64')}`,
    GORGIAS_BASE_URL: `http://127.0.0.1:${simPort}/{subdomain}`,
    SYNC_SCHEDULER_ENABLED: 'true',
    SYNC_TICK_SECONDS: '1',
    VERIFY_EVERY_HOURS: '0',
    LOG_LEVEL: 'warn',
    ...extra,
  });
}

/** An admin token of the bench's tenant, signed with the secret setGatewayEnv gives the gateway. */
export const benchAdminToken = (): string => signToken({ tenantId: 'bench', role: 'admin' }, SECRET);

/** Resolves once a child server prints its address on stdout; rejects if it exits first. */
export function untilListening(child: ChildProcess, port: number, name: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      if (out.includes(`127.0.0.1:${port}`)) resolve();
    });
    child.on('exit', (c) => reject(new Error(`${name} exited ${c}: ${out}`)));
  });
}

export async function startSimulator(
  port: number,
  subdomain: string,
  extra: string[],
  size = { tickets: TICKETS, messages: MESSAGES },
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.resolve(__dirname, '../test/gorgias-simulator/cli.ts'),
      '--port',
      String(port),
      '--subdomain',
      subdomain,
      '--email',
      EMAIL,
      '--api-key',
      KEY,
      '--tickets',
      String(size.tickets),
      '--messages',
      String(size.messages),
      '--seed',
      '42',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await untilListening(child, port, 'simulator');
  return child;
}

export async function control(port: number, route: string): Promise<any> {
  const res = await fetch(`http://127.0.0.1:${port}/__control/${route}`);
  return res.json();
}

export interface RunOptions {
  size?: { tickets: number; messages: number };
  /** Started before Save & Activate, stopped when the run ends. */
  alongside?: (simPort: number, sub: string) => Promise<{ stop(): Promise<unknown> }>;
  /** Loads pg_stat_statements (one restart of the embedded server before the gateway starts), reset at Save & Activate. */
  statStatements?: boolean;
  /** Writes a V8 CPU profile of this (the gateway's) process from Save & Activate to SUCCEEDED to this file. */
  cpuProfile?: string;
  /** Runs after the sync, before teardown, against the bench database; its answer is returned as `inspected`. */
  inspect?: (dbUrl: string) => Promise<unknown>;
  /** Puts something between the gateway and the simulator (bench/sync-replay.ts): the port the gateway calls, and its process for the CPU figures. */
  via?: (simPort: number) => Promise<{ port: number; pid: number }>;
}

/** CPU seconds (user + system) of a process, from /proc; `children` adds its reaped children's. */
function cpuSeconds(pid: number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
    return ticks / 100; // USER_HZ
  } catch {
    return 0; // gone
  }
}

/** The PostgreSQL server's CPU seconds: the postmaster (with its reaped backends) and its live children. */
function postgresCpuSeconds(dataDir: string): number {
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  let total = cpuSeconds(postmaster, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster) total += cpuSeconds(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return total;
}

/** CPU seconds of the three processes of a run, and the load average, so that a figure says what shared the cores. */
function cpuSnapshot(simPid: number, pgDir: string | undefined) {
  const own = process.cpuUsage();
  // An external server (BENCH_DATABASE_URL) is not this machine's process to measure: NaN.
  return { gateway: (own.user + own.system) / 1e6, simulator: cpuSeconds(simPid), postgres: pgDir ? postgresCpuSeconds(pgDir) : NaN };
}

async function withClient<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

export async function runOnce(label: string, simArgs: string[], opts: RunOptions = {}) {
  const size = opts.size ?? { tickets: TICKETS, messages: MESSAGES };
  const dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-bench-'));
  chmodSync(dir, 0o755);
  const pgDir = path.join(dir, 'pg');
  let db = await openBenchDatabase(pgDir);
  // Only on the embedded server: loading pg_stat_statements restarts it.
  if (opts.statStatements && db.dataDir) {
    await withClient(db.url, (c) => c.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`));
    // BENCH_TRACK_PLANNING=1: planning time per statement too (pg_stat_statements.track_planning; off by default: it costs a little).
    if (process.env.BENCH_TRACK_PLANNING === '1')
      await withClient(db.url, (c) => c.query(`ALTER SYSTEM SET pg_stat_statements.track_planning = on`));
    await db.stop();
    db = await openBenchDatabase(pgDir);
    await withClient(db.url, (c) => c.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
  }
  const simPort = await freePort();
  const sub = 'bench';
  const sim = await startSimulator(simPort, sub, simArgs, size);
  const via = await opts.via?.(simPort);
  setGatewayEnv(db.url, via?.port ?? simPort);
  const app = await createHttpApp({ logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const token = benchAdminToken();
  const gql = async (query: string, variables?: object) =>
    (
      await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      })
    ).json() as Promise<any>;

  let peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  // RSS by quarter of the run: flat memory means the later quarters do not keep growing.
  const quarterPeaks = [0, 0, 0, 0];
  let progress = 0;
  const sampler = setInterval(() => {
    const rss = process.memoryUsage().rss;
    peakRss = Math.max(peakRss, rss);
    const q = Math.min(3, Math.floor(progress * 4));
    quarterPeaks[q] = Math.max(quarterPeaks[q], rss);
  }, 100);
  const created = await gql(
    `mutation { createGorgiasConnector(input: { email: "${EMAIL}", apiKey: "${KEY}", subdomain: "${sub}" }) { id } }`,
  );
  const id = created.data.createGorgiasConnector.id;
  const other = await opts.alongside?.(simPort, sub);
  if (other) await new Promise((r) => setTimeout(r, 2000)); // the other integration is already at its pace
  const statsBefore = await control(simPort, `${sub}/stats`);
  if (opts.statStatements && db.dataDir) await withClient(db.url, (c) => c.query('SELECT pg_stat_statements_reset()'));
  let profiler: Session | undefined;
  if (opts.cpuProfile) {
    profiler = new Session();
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.setSamplingInterval', { interval: 500 });
    await profiler.post('Profiler.start');
  }
  const cpuBefore = cpuSnapshot(sim.pid!, db.dataDir);
  const viaCpuBefore = via ? cpuSeconds(via.pid) : 0;
  const started = Date.now();
  await gql(`mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id });
  let run: any;
  for (;;) {
    run = (
      await gql(
        `query($id: ID!) { connector(id: $id) { latestRun { status apiRequests rateLimitWaits ticketsSynced messagesSynced error startedAt finishedAt } } }`,
        { id },
      )
    ).data.connector.latestRun;
    if (run && ['SUCCEEDED', 'FAILED'].includes(run.status)) break;
    if (run) progress = (run.ticketsSynced + run.messagesSynced) / (size.tickets + size.messages);
    await new Promise((r) => setTimeout(r, 250));
  }
  const wallMs = Date.now() - started;
  const cpuAfter = cpuSnapshot(sim.pid!, db.dataDir);
  const cpu = {
    gateway: cpuAfter.gateway - cpuBefore.gateway,
    simulator: cpuAfter.simulator - cpuBefore.simulator,
    postgres: cpuAfter.postgres - cpuBefore.postgres,
    via: via ? cpuSeconds(via.pid) - viaCpuBefore : 0,
  };
  const loadAverage = loadavg();
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    writeFileSync(opts.cpuProfile!, JSON.stringify(profile));
    profiler.disconnect();
  }
  clearInterval(sampler);
  const statsAfter = await control(simPort, `${sub}/stats`);
  const otherCounts = await other?.stop();
  await app.close();
  const inspected = await opts.inspect?.(db.url);
  sim.kill('SIGTERM');
  await db.stop();
  rmSync(dir, { recursive: true, force: true });
  return {
    label,
    run,
    wallMs,
    peakRss,
    rssBefore,
    quarterPeaks,
    statsBefore,
    statsAfter,
    other: otherCounts as any,
    cpu,
    loadAverage,
    inspected: inspected as any,
  };
}

export function mb(n: number) {
  return `${(n / 1024 / 1024).toFixed(0)} MB`;
}
