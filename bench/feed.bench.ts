// Imported first: graphql-js reads NODE_ENV when it loads (the gateway is measured as deployed).
import './production-mode';
/**
 * npm run bench:feed — the ticket change feed.
 *
 *  1. Embedded PostgreSQL, the gateway in this process (NODE_ENV=production), two connectors of
 *     one tenant with BENCH_TICKETS tickets each, all in the feed.
 *  2. Replay: a subscription from the beginning, and a query reader paging with first: 100, read the
 *     whole feed: changes/s delivered.
 *  3. Live: BENCH_SUBSCRIBERS subscriptions from ticketChangesCursor (half tenant-wide, half one
 *     connector), while a writer in its own process (bench/feed-writer.ts) changes tickets at
 *     BENCH_RATE changes/s for BENCH_SECONDS s in transactions of 1..9 tickets over 4 connections:
 *     commit-to-subscriber lag (writer's clock after COMMIT to subscriber's receipt, same machine).
 *  4. The same writer as fast as it goes: changes/s committed and delivered.
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createHttpApp } from '../src/http-app';
import { createClient } from 'graphql-ws';
import { Pool } from 'pg';
import WebSocket from 'ws';
import { signToken } from '../src/auth/auth.service';
import { openBenchDatabase } from './bench-database';
import { writeBenchSection } from './bench-report';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 10_000);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 4);
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const TENANT = 'bench';
const CONNECTORS = ['0c000000-0000-4000-8000-0000000000f1', '0c000000-0000-4000-8000-0000000000f2'];
const now = () => performance.timeOrigin + performance.now();

const SUB = `subscription($c: ID, $after: String) { ticketChanges(connectorId: $c, after: $after) { cursor ticket { connectorId externalId subject } } }`;
const PAGE = `query($after: String) { ticketChanges(after: $after, first: 100) { pageInfo { hasNextPage endCursor } nodes { cursor ticket { externalId subject } } } }`;

interface Received {
  subject: string;
  at: number;
}

function pct(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : NaN;
}

async function main() {
  const started = performance.now();
  const dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-fbench-'));
  chmodSync(dir, 0o755);
  const db = await openBenchDatabase(path.join(dir, 'pg'));
  try {
    Object.assign(process.env, {
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      AUTH_JWT_SECRET: SECRET,
      SECRETS_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 1).toString('base64')}`,
      SYNC_SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    });
    const app = await createHttpApp({ logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const token = signToken({ tenantId: TENANT, role: 'reader' }, SECRET);
    const pool = new Pool({ connectionString: db.url, max: 2 });
    for (const [i, id] of CONNECTORS.entries()) {
      await pool.query(
        `INSERT INTO connectors (id, tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
         VALUES ($1, $2, 'Bench', 'bench@acme.test', $3, 'x', 'k', '0000', 'ACTIVE')`,
        [id, TENANT, `bench${i}`],
      );
      await pool.query(
        `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, status, messages_count, created_at, updated_at, payload)
         SELECT $1, $2, i, 'seed:' || i, 'open', 1, now(), now(), '{}' FROM generate_series(1, $3::int) i`,
        [TENANT, id, TICKETS],
      );
      await pool.query(
        `INSERT INTO ticket_changes (connector_id, ticket_external_id, tenant_id) SELECT $1, i, $2 FROM generate_series(1, $3::int) i`,
        [id, TENANT, TICKETS],
      );
    }
    await pool.query('VACUUM ANALYZE');
    const gql = async (query: string, variables?: object) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as any;
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const total = TICKETS * CONNECTORS.length;

    /** A subscription that records what it receives; `until` ends it. */
    const subscribe = (variables: Record<string, unknown>, received: Received[]) => {
      const client = createClient({
        url: `${url.replace(/^http/, 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${token}` },
        retryAttempts: 0,
      });
      const errors: unknown[] = [];
      client.subscribe(
        { query: SUB, variables },
        {
          next: (v: any) =>
            v.errors ? errors.push(...v.errors) : received.push({ subject: v.data.ticketChanges.ticket.subject, at: now() }),
          error: (e) => errors.push(e),
          complete: () => undefined,
        },
      );
      return { errors, close: () => client.dispose() };
    };
    const waitUntil = async (ok: () => boolean, timeoutMs: number) => {
      const deadline = performance.now() + timeoutMs;
      while (!ok() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };

    // 2. Replay.
    process.stdout.write(`Replaying ${total.toLocaleString('en')} changes...\n`);
    const replayed: Received[] = [];
    let t0 = performance.now();
    const replay = subscribe({}, replayed);
    await waitUntil(() => replayed.length >= total, 120_000);
    const replaySeconds = (performance.now() - t0) / 1000;
    await replay.close();
    if (replayed.length !== total) throw new Error(`replay delivered ${replayed.length} of ${total}`);
    t0 = performance.now();
    let paged = 0;
    for (let after: string | null = null; ;) {
      const page: any = (await gql(PAGE, { after })).ticketChanges;
      paged += page.nodes.length;
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    const pageSeconds = (performance.now() - t0) / 1000;
    if (paged !== total) throw new Error(`query paging read ${paged} of ${total}`);

    /** Runs the writer process; returns its commit log. */
    const runWriter = async (rate: number, seconds: number) => {
      const out = path.join(dir, `commits-${rate}.jsonl`);
      const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'feed-writer.ts')], {
        env: {
          ...process.env,
          BENCH_TENANT: TENANT,
          BENCH_CONNECTORS: CONNECTORS.join(','),
          BENCH_TICKETS: String(TICKETS),
          BENCH_RATE: String(rate),
          BENCH_SECONDS: String(seconds),
          BENCH_CONCURRENCY: '4',
          BENCH_OUT: out,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let summary = '';
      child.stdout!.on('data', (d) => (summary += d));
      const code = await new Promise<number | null>((r) => child.on('exit', r));
      if (code !== 0) throw new Error(`writer exited with ${code}`);
      const commits = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { s: string; c: string; at: number });
      return {
        commits,
        summary: JSON.parse(summary.trim().split('\n').pop()!) as { changes: number; transactions: number; seconds: number },
      };
    };

    /** Live phase: subscribers from "now", the writer at `rate`; lag per delivered change. */
    const live = async (rate: number, seconds: number) => {
      const cursor = (await gql(`query { ticketChangesCursor }`)).ticketChangesCursor;
      const subs = Array.from({ length: SUBSCRIBERS }, (_, i) => {
        const connectorId = i % 2 === 0 ? undefined : CONNECTORS[(i >> 1) % CONNECTORS.length];
        const received: Received[] = [];
        return { connectorId, received, ...subscribe({ after: cursor, c: connectorId }, received) };
      });
      await new Promise((r) => setTimeout(r, 500)); // subscribed
      const { commits, summary } = await runWriter(rate, seconds);
      // Everyone gets the latest version of every ticket that changed; earlier versions may be superseded.
      const latestOf = new Map<string, string>();
      for (const c of commits) latestOf.set(`${c.c}:${c.s.split(':')[1]}`, c.s);
      for (const s of subs) {
        const want = [...latestOf.entries()].filter(([k]) => !s.connectorId || k.startsWith(s.connectorId)).map(([, v]) => v);
        await waitUntil(() => {
          const got = new Set(s.received.map((r) => r.subject));
          return want.every((v) => got.has(v));
        }, 30_000);
      }
      // Delivery rate: from the first commit to the last receipt, per subscriber.
      const firstCommit = Math.min(...commits.map((c) => c.at));
      const deliverSeconds = (Math.max(...subs.map((s) => s.received[s.received.length - 1]?.at ?? firstCommit)) - firstCommit) / 1000;
      const committedAt = new Map(commits.map((c) => [c.s, c]));
      const lags: number[] = [];
      let delivered = 0;
      let unknown = 0;
      let missing = 0;
      for (const s of subs) {
        delivered += s.received.length;
        for (const r of s.received) {
          const c = committedAt.get(r.subject);
          if (c) lags.push(r.at - c.at);
          else unknown++;
        }
        const got = new Set(s.received.map((r) => r.subject));
        missing += [...latestOf.entries()].filter(([k, v]) => (!s.connectorId || k.startsWith(s.connectorId)) && !got.has(v)).length;
        if (s.errors.length) throw new Error(`subscriber errors: ${JSON.stringify(s.errors)}`);
        await s.close();
      }
      lags.sort((a, b) => a - b);
      const expected = subs.reduce((n, s) => n + commits.filter((c) => !s.connectorId || c.c === s.connectorId).length, 0);
      return {
        summary,
        delivered,
        expected,
        unknown,
        missing,
        deliverSeconds,
        p50: pct(lags, 50),
        p95: pct(lags, 95),
        p99: pct(lags, 99),
        max: lags[lags.length - 1],
      };
    };

    process.stdout.write(`Live at ${RATE} changes/s for ${SECONDS} s, ${SUBSCRIBERS} subscribers...\n`);
    const steady = await live(RATE, SECONDS);
    process.stdout.write(`${JSON.stringify(steady)}\nLive, writer unthrottled for 10 s...\n`);
    const flat = await live(0, 10);
    process.stdout.write(`${JSON.stringify(flat)}\n`);
    await pool.end();
    await app.close();

    const f = (n: number, d = 0) => n.toLocaleString('en', { maximumFractionDigits: d, minimumFractionDigits: d });
    const md = `## bench:feed

\`npm run bench:feed\` — the ticket change feed (gateway NODE_ENV=production in the bench process, embedded PostgreSQL,
${f(total)} tickets in 2 connectors of one tenant). The writer is its own process (bench/feed-writer.ts): transactions of
1 to 9 tickets (5 on average) over 4 connections, each updating the tickets and recording them in the feed through the real
repository. Lag = subscriber's receipt − writer's clock after COMMIT returned (same machine); ${SUBSCRIBERS} subscribers
(half tenant-wide, half one connector) started from \`ticketChangesCursor\`. A ticket changed again before delivery is
delivered once at its latest version, so deliveries can be fewer than changes. Run on ${new Date().toISOString().slice(0, 10)}.

| figure | measured | target |
|---|---|---|
| replay, subscription from the start | ${f(total)} changes in ${f(replaySeconds, 1)} s = **${f(total / replaySeconds)} changes/s** | — |
| replay, query paging (first: 100) | ${f(total)} changes in ${f(pageSeconds, 1)} s = ${f(total / pageSeconds)} changes/s | — |
| live: writer rate reached | ${f(steady.summary.changes / steady.summary.seconds)} changes/s (${f(steady.summary.changes)} changes, ${f(steady.summary.transactions)} transactions, ${f(steady.summary.seconds, 1)} s) | ${RATE} changes/s |
| live: deliveries (all subscribers) | ${f(steady.delivered)} of ${f(steady.expected)} changes (rest superseded); latest version of every changed ticket missing: ${steady.missing} | 0 missing |
| **live: commit-to-subscriber lag p50 / p95** | **${f(steady.p50)} ms / ${f(steady.p95)} ms** (p99 ${f(steady.p99)} ms, max ${f(steady.max)} ms) | p95 < 1,000 ms |
| writer unthrottled: committed | ${f(flat.summary.changes / flat.summary.seconds)} changes/s | — |
| writer unthrottled: delivered per subscriber (first commit to last receipt) | ${f(flat.delivered / SUBSCRIBERS / flat.deliverSeconds)} changes/s (lag p50 ${f(flat.p50)} ms, p95 ${f(flat.p95)} ms); missing ${flat.missing} | 0 missing |

Total bench time ${f((performance.now() - started) / 1000)} s.
`;
    process.stdout.write(`\n${md}\n`);
    writeBenchSection('feed', md);
  } finally {
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
