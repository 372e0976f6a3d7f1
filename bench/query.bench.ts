/**
 * npm run bench:query — the ticket read API on 100,000 tickets and 500,000 messages, against
 * PostGraphile 5 and a plain-pg floor, in one run.
 *
 *  1. Embedded PostgreSQL; the gateway (its own process) applies the migrations; bulk load with
 *     generate_series, ANALYZE (bench/query/dataset.ts).
 *  2. The servers, each in its own process, on the same database (bench/query/serve-*.ts): the
 *     gateway as deployed, the bare stack (NestJS, Fastify, Apollo and one resolver: the search only),
 *     PostGraphile 5, and the floor (node:http + pg, one statement per answer that builds the JSON in
 *     PostgreSQL), with unnamed and with prepared statements.
 *  3. For each case, each server: one checked answer (same tickets as the others), a warm-up, then
 *     autocannon's CLI in a process of its own for DURATION s: req/s, p50/p99, SQL statements and SQL
 *     time per request (counted in each server), heap growth after a full GC.
 *  4. A separate profiled run of the gateway (and of the bare stack) per case: where its CPU time goes. With Linux `perf`
 *     (bench/query/perf-profile.ts: every thread, CPU time only) on a gateway of its own started with
 *     `--perf-prof`; where perf cannot record, V8's CPU profiler (bench/query/profile-summary.ts).
 *     BENCH_PROFILE=0 skips it, BENCH_PROFILER=v8 forces V8's.
 *
 * BENCH_ONLY=api,floorPrepared and BENCH_CASES=search narrow a run while iterating (docs not rewritten).
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import { signToken } from '../src/auth/auth.service';
import { openBenchDatabase } from './bench-database';
import { writeBenchSection } from './bench-report';
import { BenchCase, CASES, POSTGRAPHILE_SETUP_SQL } from './query/cases';
import { Server, ServerStats, startServer } from './query/child';
import { load, TENANT } from './query/dataset';
import { PERF_FREQUENCY, PERF_NODE_FLAGS, perfUsable, perfWorkDir, startPerfRecord, summarizePerf } from './query/perf-profile';
import { ProfileBreakdown, summarize } from './query/profile-summary';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const MESSAGES_PER_TICKET = Number(process.env.BENCH_MESSAGES_PER_TICKET ?? 5);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
/** Each server is measured this many times, in turns with the others; the median run is reported (the machine may be shared). */
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const PROFILE = process.env.BENCH_PROFILE !== '0';
const ONLY = process.env.BENCH_ONLY; // e.g. "api": measure one contender (while iterating)
/** e.g. "search": measure one case (while iterating). */
const ONLY_CASES = process.env.BENCH_CASES;
const MEASURED_CASES = ONLY_CASES ? CASES.filter((c) => ONLY_CASES.split(',').includes(c.key)) : CASES;
/** Warm-up before each measured run, s: long enough for V8 to have optimized the gateway's hot paths. */
const WARM_UP = Number(process.env.BENCH_WARM_UP ?? 3);
/**
 * Warm-up of the gateway perf profiles, s: a process of its own, started just before. TurboFan keeps
 * compiling for the first ~20 s of load (10 % of the CPU, then ~1 %), which a steady gateway does not pay.
 */
const PROFILE_WARM_UP = Number(process.env.BENCH_PROFILE_WARM_UP ?? 20);
/** Issue 27: each case within 20 % of the floor with prepared statements. */
const PREPARED_FLOOR_TARGET = 0.8;
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const PROFILE_DIR = path.resolve(__dirname, '.profiles');

type Contender = 'api' | 'stack' | 'postgraphile' | 'floor' | 'floorPrepared';
const LABEL: Record<Contender, string> = {
  api: 'gateway (this API)',
  stack: 'the bare stack (NestJS, Fastify, Apollo)',
  postgraphile: 'PostGraphile 5',
  floor: 'plain pg floor',
  floorPrepared: 'plain pg floor, prepared statements',
};
/** The bare stack serves the search only (bench/query/serve-stack.ts). */
const serves = (who: Contender, c: BenchCase) => who !== 'stack' || c.key === 'search';

interface Figures {
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  sqlPerRequest: number;
  sqlMsPerRequest: number;
  heapGrowthPerRequest: number;
  /** CPU time of the server process per request (user + system): what a request costs, whatever else runs on the machine. */
  cpuMsPerRequest: number;
}

/** autocannon's CLI, in a process of its own, against `url`. */
function autocannon(url: string, body: string, headers: Record<string, string>, duration: number): Promise<any> {
  const args = [
    require.resolve('autocannon/autocannon.js'),
    '-j',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(duration),
    '-m',
    'POST',
    '-b',
    body,
  ];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  return new Promise((resolve, reject) =>
    execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`autocannon: ${err.message}\n${stderr}`)) : resolve(JSON.parse(stdout)),
    ),
  );
}

function request(who: Contender, c: BenchCase, token: string) {
  if (who === 'floor' || who === 'floorPrepared')
    return { path: '/', body: JSON.stringify({ case: c.key }), headers: { 'content-type': 'application/json' } };
  const q = who === 'api' || who === 'stack' ? c.api : c.postgraphile;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (who === 'api') headers.authorization = `Bearer ${token}`;
  return { path: '/graphql', body: JSON.stringify({ query: q.query, variables: q.variables }), headers };
}

/** One request, checked: the tickets of the answer (external ids, in order). */
async function checkedAnswer(server: Server, who: Contender, c: BenchCase, token: string): Promise<string[]> {
  const r = request(who, c, token);
  const res = await fetch(`${server.url}${r.path}`, { method: 'POST', headers: r.headers, body: r.body });
  const json = (await res.json()) as any;
  if (json.errors || !res.ok) throw new Error(`${LABEL[who]}, ${c.name}: ${JSON.stringify(json.errors ?? json)}`);
  const conn = json.data.tickets ?? json.data.allTickets ?? json.data.benchSearchTickets;
  const ids = conn.nodes.map((n: any) => String(n.externalId));
  if (ids.length !== c.expect) throw new Error(`${LABEL[who]}, ${c.name}: expected ${c.expect} tickets, got ${ids.length}`);
  return ids;
}

/** Around a measured run: a profiler to start and stop (V8's over IPC, or perf). */
interface RunProfiler {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * One measured run. The heap is read after a full GC before the warm-up and after the run; the CPU and
 * SQL counters right before and after the run, without a GC: a forced full GC between the warm-up and the
 * run made V8 throw away optimized code whose embedded objects it collected ("weak objects"), so every
 * run began by compiling again (hundreds of recompilations a run, seen with --trace-deopt).
 */
async function measure(
  server: Server,
  who: Contender,
  c: BenchCase,
  token: string,
  profiler?: RunProfiler,
  warmUp = WARM_UP,
): Promise<Figures> {
  const r = request(who, c, token);
  const heapBefore = await server.call<ServerStats>('stats');
  const warm = await autocannon(`${server.url}${r.path}`, r.body, r.headers, warmUp);
  const before = await server.call<ServerStats>('counters');
  await profiler?.start();
  const res = await autocannon(`${server.url}${r.path}`, r.body, r.headers, DURATION);
  await profiler?.stop();
  const after = await server.call<ServerStats>('counters');
  const heapAfter = await server.call<ServerStats>('stats');
  const requests = Math.max(1, res.requests.total);
  return {
    reqPerSec: res.requests.average,
    p50: res.latency.p50,
    p99: res.latency.p99,
    requests: res.requests.total,
    errors: res.errors + res.non2xx + res.timeouts,
    sqlPerRequest: (after.sql - before.sql) / requests,
    sqlMsPerRequest: (after.sqlMs - before.sqlMs) / requests,
    heapGrowthPerRequest: (heapAfter.heapUsed - heapBefore.heapUsed) / (requests + warm.requests.total),
    cpuMsPerRequest: (after.cpuMs - before.cpuMs) / requests,
  };
}

function profileTable(p: ProfileBreakdown, requests: number): string {
  const rows = p.parts
    .filter((x) => x.ms / p.busyMs >= 0.005)
    .map((x) => `| ${x.part} | ${((x.ms / p.busyMs) * 100).toFixed(1)} % | ${((x.ms * 1000) / requests).toFixed(0)} |`);
  return `| part of the server's CPU time | share | µs per request |\n|---|---|---|\n${rows.join('\n')}\n| **total CPU (busy)** | 100 % | ${((p.busyMs * 1000) / requests).toFixed(0)} |`;
}

async function main() {
  const started = performance.now();
  const load1 = loadavg()[0];
  // BENCH_DATA_DIR keeps the loaded database between runs (for investigating plans); default: a fresh one.
  const keep = process.env.BENCH_DATA_DIR;
  const dir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'cxconnect-qbench-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  mkdirSync(PROFILE_DIR, { recursive: true });
  const db = await openBenchDatabase(
    path.join(dir, 'pg'),
    process.env.BENCH_PG_LOG ? { log: (l) => process.stderr.write(`[pg] ${l}\n`) } : {},
  );
  const servers: Partial<Record<Contender, Server>> = {};
  const profiler = !PROFILE ? undefined : process.env.BENCH_PROFILER !== 'v8' && perfUsable() ? 'perf' : 'v8';
  const perfServers: Partial<Record<'api' | 'stack', Server>> = {};
  let perfDir: string | undefined;
  try {
    const env = {
      NODE_ENV: 'production',
      GRAPHILE_ENV: 'production',
      DATABASE_URL: db.url,
      AUTH_JWT_SECRET: SECRET,
      SECRETS_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 1).toString('base64')}`,
      SYNC_SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      BENCH_CONNECTIONS: String(CONNECTIONS),
    };
    // BENCH_API_NODE_FLAGS: Node flags for the gateway only (e.g. GC settings being tried).
    const apiFlags = (process.env.BENCH_API_NODE_FLAGS ?? '').split(' ').filter(Boolean);
    servers.api = await startServer('serve-api.ts', env, apiFlags); // applies the migrations
    const token = signToken({ tenantId: TENANT, role: 'reader' }, SECRET);
    const pool = new Pool({ connectionString: db.url, max: 2 });

    process.stdout.write(
      `Loading ${TICKETS.toLocaleString('en')} tickets, ${(TICKETS * MESSAGES_PER_TICKET).toLocaleString('en')} messages...\n`,
    );
    const loadStart = performance.now();
    const [{ n: existing }] = (await pool.query('SELECT count(*)::int AS n FROM tickets')).rows;
    if (!existing) await load(pool, TICKETS, MESSAGES_PER_TICKET);
    const wanted = (w: Contender) => !ONLY || ONLY.split(',').includes(w);
    if (wanted('postgraphile')) for (const sql of POSTGRAPHILE_SETUP_SQL) await pool.query(sql);
    if (process.env.BENCH_EXPLAIN) {
      for (const c of CASES) {
        const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${c.floorSql}`, c.floorParams);
        process.stdout.write(plan.rows.map((r) => r['QUERY PLAN']).join('\n') + '\n\n');
      }
    }
    await pool.end();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    // Only the contenders measured (BENCH_ONLY=api runs on a Citus coordinator, where PostGraphile's setup is not tried).
    if (wanted('floor')) servers.floor = await startServer('serve-floor.ts', env);
    if (wanted('floorPrepared')) servers.floorPrepared = await startServer('serve-floor.ts', { ...env, FLOOR_PREPARED: '1' });
    if (wanted('postgraphile')) servers.postgraphile = await startServer('serve-postgraphile.ts', env);
    if (wanted('stack')) servers.stack = await startServer('serve-stack.ts', env);

    const allContenders = (['api', 'stack', 'postgraphile', 'floor', 'floorPrepared'] as Contender[]).filter(wanted);
    const rows: string[] = [];
    const verdicts: string[] = [];
    const profiles: string[] = [];
    const spread: Record<string, string> = {};
    const heapStart = servers.api && allContenders.includes('api') ? await servers.api.call<ServerStats>('stats') : undefined;
    let apiRequests = 0;
    for (const c of MEASURED_CASES) {
      const contenders = allContenders.filter((who) => serves(who, c));
      const figures: Partial<Record<Contender, Figures>> = {};
      const checkedSql: Partial<Record<Contender, number>> = {};
      let reference: string[] | undefined;
      for (const who of contenders) {
        const s = servers[who]!;
        const before = await s.call<ServerStats>('stats');
        const ids = await checkedAnswer(s, who, c, token);
        checkedSql[who] = (await s.call<ServerStats>('stats')).sql - before.sql;
        if (reference && ids.join() !== reference.join())
          throw new Error(`${c.name}: ${LABEL[who]} answers other tickets than ${LABEL[contenders[0]]}`);
        reference ??= ids;
      }
      const runs: Partial<Record<Contender, Figures[]>> = {};
      for (let i = 0; i < REPEAT; i++) {
        for (const who of contenders) {
          const f = await measure(servers[who]!, who, c, token);
          if (who === 'api') apiRequests += f.requests;
          (runs[who] ??= []).push(f);
          process.stdout.write(`${c.name} — ${LABEL[who]} (run ${i + 1}): ${JSON.stringify(f)}\n`);
        }
      }
      for (const who of contenders) {
        const sorted = [...runs[who]!].sort((a, b) => a.reqPerSec - b.reqPerSec);
        figures[who] = sorted[Math.floor(sorted.length / 2)];
        spread[`${c.key}:${who}`] = sorted.map((f) => f.reqPerSec.toFixed(0)).join(' / ');
      }
      const floor = figures.floor;
      for (const who of contenders) {
        const f = figures[who]!;
        rows.push(
          `| ${c.name} | ${LABEL[who]} | ${f.reqPerSec.toFixed(0)} (${spread[`${c.key}:${who}`]}) | ${f.p50.toFixed(1)} / ${f.p99.toFixed(1)} | ` +
            `${floor ? (f.reqPerSec / floor.reqPerSec).toFixed(2) : '—'} | ${checkedSql[who]} (${f.sqlPerRequest.toFixed(2)}) | ` +
            `${f.cpuMsPerRequest.toFixed(2)} | ${f.sqlMsPerRequest.toFixed(1)} | ${f.heapGrowthPerRequest.toFixed(0)} | ${f.errors} |`,
        );
      }
      const api = figures.api;
      if (api) {
        const p99Max = c.key === 'list' ? 50 : 20;
        const checks = [
          `p99 ${api.p99.toFixed(0)} ms (target ≤ ${p99Max}: ${api.p99 <= p99Max ? 'met' : 'not met'})`,
          `${checkedSql.api} SQL statements (target ≤ 3: ${checkedSql.api! <= 3 ? 'met' : 'not met'})`,
        ];
        if (floor) {
          const ratio = api.reqPerSec / floor.reqPerSec;
          checks.unshift(`${ratio.toFixed(2)} x the floor (target ≥ 0.6: ${ratio >= 0.6 ? 'met' : 'not met'})`);
        }
        if (figures.floorPrepared) {
          const vs = api.reqPerSec / figures.floorPrepared.reqPerSec;
          const cpu = api.cpuMsPerRequest / figures.floorPrepared.cpuMsPerRequest;
          checks.push(
            `${vs.toFixed(2)} x the floor with prepared statements (issue 27 target ≥ ${PREPARED_FLOOR_TARGET}: ` +
              `${vs >= PREPARED_FLOOR_TARGET ? 'met' : 'not met'}; the gateway spends ${cpu.toFixed(1)} x its CPU per request)`,
          );
          const stack = figures.stack;
          if (stack) {
            checks.push(
              `the bare stack itself reaches ${(stack.reqPerSec / figures.floorPrepared.reqPerSec).toFixed(2)} x that floor ` +
                `(${stack.cpuMsPerRequest.toFixed(2)} ms of CPU per request against the floor's ${figures.floorPrepared.cpuMsPerRequest.toFixed(2)}), ` +
                `and the gateway ${(api.reqPerSec / stack.reqPerSec).toFixed(2)} x the bare stack (${api.cpuMsPerRequest.toFixed(2)} ms)`,
            );
          }
        }
        if (c.key === 'list' && figures.postgraphile) {
          const vs = api.reqPerSec / figures.postgraphile.reqPerSec;
          checks.push(`${vs.toFixed(2)} x PostGraphile (target ≥ 1: ${vs >= 1 ? 'met' : 'not met'})`);
        }
        verdicts.push(`- ${c.name}: ${checks.join('; ')}.`);
      }
      // The gateway, and the bare stack beside it where it serves the case: what is ours is the difference.
      for (const who of profiler === 'perf' ? (['api', 'stack'] as const).filter((w) => contenders.includes(w)) : []) {
        // A server of its own: --perf-prof slows the process that carries it, so the measured one never has it.
        perfDir ??= perfWorkDir();
        perfServers[who] ??= await startServer(
          who === 'api' ? 'serve-api.ts' : 'serve-stack.ts',
          env,
          [...PERF_NODE_FLAGS, ...(who === 'api' ? apiFlags : [])],
          perfDir,
        );
        const server = perfServers[who]!;
        const pid = server.process.pid!;
        const file = path.join(perfDir, `${who}-${c.key}.perf.data`);
        let recording: { stop(): Promise<void> } | undefined;
        const f = await measure(
          server,
          who,
          c,
          token,
          { start: () => Promise.resolve(void (recording = startPerfRecord(pid, file))), stop: () => recording!.stop() },
          PROFILE_WARM_UP,
        );
        const p = summarizePerf(file, pid);
        profiles.push(
          `**${c.name}, ${LABEL[who]}** (${f.requests} requests in ${DURATION} s, ${f.reqPerSec.toFixed(0)} req/s while profiled; ` +
            `${(p.mainThreadShare * 100).toFixed(0)} % of the CPU time on the main thread):\n\n${profileTable(p, f.requests)}`,
        );
      }
      if (profiler === 'v8' && servers.api && contenders.includes('api')) {
        const file = path.join(PROFILE_DIR, `gateway-${c.key}.cpuprofile`);
        const f = await measure(servers.api, 'api', c, token, {
          start: () => servers.api!.call('profile-start'),
          stop: () => servers.api!.call('profile-stop', file),
        });
        profiles.push(
          `**${c.name}** (${f.requests} requests in ${DURATION} s, ${f.reqPerSec.toFixed(0)} req/s while profiled):\n\n${profileTable(summarize(file), f.requests)}`,
        );
      }
    }

    let memory = '';
    if (heapStart) {
      const end = await servers.api!.call<ServerStats>('stats');
      const mb = (b: number) => (b / 1048576).toFixed(1);
      memory =
        `Gateway memory: heap after a full GC ${mb(heapStart.heapUsed)} MB before the first measured run, ${mb(end.heapUsed)} MB after the last ` +
        `(${apiRequests.toLocaleString('en')} measured requests later, plus warm-ups and profiled runs); RSS ${mb(heapStart.rss)} → ${mb(end.rss)} MB.\n`;
    }
    const md = `## bench:query

\`npm run bench:query\` — the ticket read API on ${TICKETS.toLocaleString('en')} tickets and ${(TICKETS * MESSAGES_PER_TICKET).toLocaleString('en')} messages
(one tenant, embedded PostgreSQL, ${existing ? `the database of an earlier run, kept with BENCH_DATA_DIR` : `load + index + VACUUM ANALYZE ${loadSeconds.toFixed(0)} s`}). Run on ${new Date().toISOString().slice(0, 10)};
load average before the run ${load1.toFixed(1)} on ${require('node:os').cpus().length} cores (the machine is shared: other work running at the same time lowers every row).

Each server runs in its own process on the same database, one at a time; the load generator is autocannon's CLI in
another process (${CONNECTIONS} connections). Each server is measured ${REPEAT} times for ${DURATION} s (each after a ${WARM_UP} s warm-up), in
turns with the others; the row shows the median run (all runs' req/s in brackets, slowest first). Every server answers the
same tickets, checked before the run.
- **gateway**: this API as deployed (NODE_ENV=production, LOG_LEVEL=warn), JWT on every request.
- **PostGraphile 5**: Amber preset over the same tables (relations from smart tags, the tenant as a condition, the search
  as a SQL function doing the API's walk of the newest 2,000 tickets); dev dependency used only here.
- **the bare stack** (search only): the project's fixed stack with nothing of ours on it: NestJS on Fastify, Apollo
  through \`@nestjs/graphql\` (code-first), one resolver running the prepared floor's statement. No auth, request logger,
  security headers, CORS, validation, limits, metrics or JIT (bench/query/serve-stack.ts). What any server on this stack
  pays for the same request: the gap from it to the floor is the stack's, the gap from the gateway to it is ours.
- **plain pg floor**: node:http and a pg pool running one hand-written statement per answer that builds the whole JSON in
  PostgreSQL, passed through as text: no GraphQL, no auth, no framework. Its statements are sent unnamed, so PostgreSQL
  parses and plans each one per request. "vs floor" and the targets are against this floor.
- **plain pg floor, prepared statements**: the same, with named statements and the search's tsquery in a sub-select, as
  the gateway sends them (PostgreSQL plans each once). The gateway saves PostgreSQL that work, which the floor above
  does not; against this floor the comparison is framework overhead only. No target: shown so that the ratio above is
  not read as more than it is.

SQL statements counted in each server by wrapping pg's \`Client.prototype.query\` (one checked request, and the average
under load); SQL ms = time from send to answer summed over a request's statements; heap growth = heap after a full GC,
after the run minus before, per request (≈ 0 when memory per request is flat).

| case | server | req/s (runs) | p50 / p99 ms | vs floor | SQL per request (under load) | server CPU ms per request | SQL ms per request | heap growth B/request | errors |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

${memory}
Targets (issues 15 and 27):
${verdicts.join('\n')}
${
  profiles.length
    ? `
### Where the gateway's time goes (and the bare stack's)

${
  profiler === 'perf'
    ? `A separate run per case (after a ${PROFILE_WARM_UP} s warm-up), on a gateway of its own started with \`--perf-prof\`
(which slows it: read shares, not req/s), recorded by Linux \`perf record\` at ${PERF_FREQUENCY} samples per second on every thread of the process: CPU time only,
the garbage collector's and the compiler's helper threads included (bench/query/perf-profile.ts). V8's collector,
compiler and JSON code count as such wherever they run; a sample in the kernel counts as kernel; anything else for the
nearest JavaScript frame's part.`
    : `A separate run per case with V8's CPU profiler on (the profiler behind \`node --cpu-prof\`, started and stopped over the
inspector around the run; profiles in \`bench/.profiles/\`, open them in Chrome DevTools). Self time by part of the stack;
time in native frames counts for the caller that has a script. V8's profiler samples the main thread's wall time: on a
busy machine, time the gateway waits for a core lands on the frame it resumes in (perf was not usable here).`
} Time waiting for PostgreSQL is not CPU time: see "SQL ms per request" above.

${profiles.join('\n\n')}
`
    : ''
}
Total bench time ${((performance.now() - started) / 1000).toFixed(0)} s.
`;
    process.stdout.write(`\n${md}\n`);
    if (!ONLY && !ONLY_CASES) writeBenchSection('query', md);
  } finally {
    for (const s of [...Object.values(servers), ...Object.values(perfServers)]) await s?.stop();
    if (perfDir) rmSync(perfDir, { recursive: true, force: true });
    await db.stop();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
