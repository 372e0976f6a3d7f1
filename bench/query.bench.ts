/**
 * npm run bench:query — the ticket read API on 100,000 tickets and 500,000 messages.
 *
 *  1. Embedded PostgreSQL, migrations applied by booting the app in-process, bulk load with
 *     generate_series (customer-support-like text so that search has something to find), ANALYZE.
 *  2. autocannon for DURATION s against (a) tickets(first: 50) with customer and messages(last: 5)
 *     and (b) a full-text search (first: 20): req/s, p50/p99 latency, SQL queries per request
 *     (counted by wrapping pg's Client.prototype.query: the app runs in this process).
 *  3. The same two answers from a plain `pg` script doing the minimum SQL (one statement per
 *     answer, JSON built by PostgreSQL), at the same concurrency for the same time: the floor.
 */
import './production-mode';
import 'reflect-metadata';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { Client, Pool } from 'pg';
import { AppModule } from '../src/app.module';
import { signToken } from '../src/auth/auth.service';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { writeBenchSection } from './bench-report';

 
const autocannon = require('autocannon');

const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const MESSAGES_PER_TICKET = Number(process.env.BENCH_MESSAGES_PER_TICKET ?? 5);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const SEARCH = process.env.BENCH_SEARCH ?? 'refund damaged';
const SECRET = 'bench-secret-0123456789abcdef0123456789abcdef';
const TENANT = 'bench';
const CONNECTOR = '0c000000-0000-4000-8000-000000000001';
const CUSTOMERS = 20_000;

/** Every statement any pg Client of this process sends. */
let sqlCount = 0;
const originalQuery = Client.prototype.query;
(Client.prototype as any).query = function (this: Client, ...args: any[]) {
  sqlCount++;
  return (originalQuery as any).apply(this, args);
};

const LIST_QUERY = `query { tickets(first: 50) { pageInfo { hasNextPage endCursor } nodes {
  id externalId subject status priority channel tags updatedAt
  customer { externalId email name }
  messages(last: 5) { totalCount nodes { id externalId fromAgent bodyText createdAt sender { email name } } }
} } }`;
const SEARCH_QUERY = `query($s: String) { tickets(first: 20, filter: { search: $s }) { pageInfo { hasNextPage endCursor } nodes {
  id externalId subject status updatedAt customer { email name }
} } }`;

/** The same answers with the least SQL: one statement each, JSON made by PostgreSQL. */
const PG_LIST = `
SELECT json_build_object('tickets', json_build_object('nodes', coalesce(json_agg(x.node ORDER BY x.updated_at DESC, x.id DESC), '[]'))) AS body
FROM (
  SELECT t.updated_at, t.id, json_build_object(
    'id', t.id, 'externalId', t.external_id::text, 'subject', t.subject, 'status', t.status, 'priority', t.priority,
    'channel', t.channel, 'tags', t.tags, 'updatedAt', t.updated_at,
    'customer', json_build_object('externalId', t.customer_external_id::text, 'email', coalesce(c.email, t.customer_email), 'name', coalesce(c.name, t.customer_name)),
    'messages', json_build_object('totalCount', mc.n, 'nodes', coalesce(mm.nodes, '[]'))) AS node
  FROM tickets t
  LEFT JOIN customers c ON c.connector_id = t.connector_id AND c.external_id = t.customer_external_id
  CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages m WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id AND m.deleted_at IS NULL) mc
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object('id', m.id, 'externalId', m.external_id::text, 'fromAgent', m.from_agent, 'bodyText', m.body_text,
      'createdAt', m.created_at, 'sender', json_build_object('email', m.sender_email, 'name', m.sender_name)) ORDER BY m.created_at, m.id) AS nodes
    FROM (SELECT * FROM messages m WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id AND m.deleted_at IS NULL
          ORDER BY m.created_at DESC, m.id DESC LIMIT 5) m
  ) mm
  WHERE t.tenant_id = $1 AND t.deleted_at IS NULL AND t.trashed_at IS NULL
  ORDER BY t.updated_at DESC, t.id DESC
  LIMIT 50
) x`;
const PG_SEARCH = `
SELECT json_build_object('tickets', json_build_object('nodes', coalesce(json_agg(x.node ORDER BY x.updated_at DESC, x.id DESC), '[]'))) AS body
FROM (
  SELECT t.updated_at, t.id, json_build_object('id', t.id, 'externalId', t.external_id::text, 'subject', t.subject, 'status', t.status,
    'updatedAt', t.updated_at, 'customer', json_build_object('email', coalesce(c.email, t.customer_email), 'name', coalesce(c.name, t.customer_name))) AS node
  FROM (SELECT * FROM tickets t WHERE t.tenant_id = $1 AND t.deleted_at IS NULL AND t.trashed_at IS NULL ORDER BY t.updated_at DESC, t.id DESC LIMIT 2000) t
  LEFT JOIN customers c ON c.connector_id = t.connector_id AND c.external_id = t.customer_external_id
  WHERE t.search @@ websearch_to_tsquery('simple', $2) OR EXISTS (
    SELECT 1 FROM messages m WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
      AND m.deleted_at IS NULL AND m.search @@ websearch_to_tsquery('simple', $2) OFFSET 0)
  ORDER BY t.updated_at DESC, t.id DESC
  LIMIT 20
) x`;

const WORDS = (
  'order refund shipping delivery package tracking invoice payment card discount coupon size color exchange return damaged ' +
  'missing late address account password subscription cancel warranty product item quality broken help please thanks ' +
  'hello question status update week yesterday today tomorrow store online checkout cart email phone number label courier ' +
  'box arrived received never wrong charged twice bank transfer paypal gift voucher promo code sale price stock available ' +
  'shoes shirt jacket dress bag watch ring necklace lamp chair table sofa mattress pillow blanket towel mug bottle charger ' +
  'cable phone case screen headphones speaker camera battery replacement repair manual install setup app login reset ' +
  'delay customs duty international express standard free fee cost total partial full credit store policy days within ' +
  'contact agent support team manager urgent asap weekend holiday black friday christmas birthday present wrapping note ' +
  'small large medium fit tight loose long short material cotton leather wool plastic metal glass wood paper green blue red ' +
  'black white grey pink yellow purple orange brown navy beige silver gold photo picture attached see below above thank'
).split(' ');

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sentences(n: number): string[] {
  const r = rng(42);
  // Zipf-like: low word indexes are much more common, as in real conversations.
  const word = () => WORDS[Math.floor(WORDS.length * Math.pow(r(), 1.6))];
  return Array.from({ length: n }, () => {
    const len = 6 + Math.floor(r() * 8);
    const s = Array.from({ length: len }, word).join(' ');
    return s[0].toUpperCase() + s.slice(1) + '.';
  });
}

async function load(pool: Pool) {
  const c = await pool.connect();
  const step = async (label: string, sql: string, params: unknown[] = []) => {
    const t0 = performance.now();
    await c.query(sql, params);
    process.stdout.write(`  ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  };
  try {
    await c.query(`SET maintenance_work_mem = '256MB'`);
    await c.query(`SET synchronous_commit = off`);
    await c.query(
      `INSERT INTO connectors (id, tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
       VALUES ($1, $2, 'Bench', 'bench@acme.test', 'bench', 'x', 'k', '0000', 'ACTIVE')`,
      [CONNECTOR, TENANT],
    );
    const s = sentences(2000);
    await c.query(`CREATE TEMP TABLE s (id int PRIMARY KEY, txt text)`);
    await c.query(`INSERT INTO s SELECT i - 1, txt FROM unnest($1::text[]) WITH ORDINALITY AS u(txt, i)`, [s]);
    // Search indexes are built once after the load (much faster than maintained row by row).
    await c.query(`DROP INDEX tickets_search_idx`);
    await c.query(`DROP INDEX messages_search_idx`);
    await step(
      `${CUSTOMERS.toLocaleString('en')} customers`,
      `INSERT INTO customers (tenant_id, connector_id, external_id, email, name, payload)
       SELECT $1, $2, 900000 + i, 'customer' || i || '@example.com', 'Customer ' || i, '{}'::jsonb FROM generate_series(1, $3::int) i`,
      [TENANT, CONNECTOR, CUSTOMERS],
    );
    await step(
      `${TICKETS.toLocaleString('en')} tickets`,
      `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, excerpt, description, status, priority, channel, via,
         customer_external_id, customer_email, customer_name, tags, messages_count, created_at, updated_at, closed_at, trashed_at, deleted_at, payload)
       SELECT $1, $2, 100000 + i, s1.txt, left(s2.txt, 100), s2.txt || ' ' || s3.txt,
         (ARRAY['open', 'closed', 'closed', 'pending'])[1 + i % 4],
         (ARRAY['normal', 'normal', 'high', 'low'])[1 + (i / 7) % 4],
         (ARRAY['email', 'email', 'chat', 'phone', 'contact_form'])[1 + (i / 3) % 5], 'api',
         900000 + (i * 7) % $3, 'customer' || ((i * 7) % $3::int) || '@example.com', 'Customer ' || ((i * 7) % $3::int),
         ARRAY[(ARRAY['vip', 'refund', 'shipping', 'bug', 'question'])[1 + i % 5]], $4,
         ts - interval '3 days', ts, CASE WHEN i % 4 <> 0 THEN ts END,
         CASE WHEN i % 97 = 0 THEN ts END, CASE WHEN i % 89 = 0 THEN ts END, '{}'::jsonb
       FROM generate_series(1, $5::int) i
       CROSS JOIN LATERAL (SELECT '2025-01-01T00:00:00Z'::timestamptz + i * interval '5 minutes' + ((i::bigint * 7919) % 1000) * interval '1 second' AS ts) x
       JOIN s s1 ON s1.id = (i::bigint * 7919) % 2000
       JOIN s s2 ON s2.id = (i::bigint * 104729) % 2000
       JOIN s s3 ON s3.id = (i::bigint * 1299709) % 2000`,
      [TENANT, CONNECTOR, CUSTOMERS, MESSAGES_PER_TICKET, TICKETS],
    );
    await step(
      `${(TICKETS * MESSAGES_PER_TICKET).toLocaleString('en')} messages`,
      `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, channel, via, from_agent, public,
         sender_email, sender_name, receiver_email, receiver_name, subject, body_text, body_html, attachments, created_at, sent_at, payload)
       SELECT $1, $2, (100000 + i) * 10 + j, 100000 + i, 'email', 'api', j % 2 = 0, true,
         CASE WHEN j % 2 = 0 THEN 'agent@acme.test' ELSE 'customer' || ((i * 7) % $3::int) || '@example.com' END,
         CASE WHEN j % 2 = 0 THEN 'Agent' ELSE 'Customer ' || ((i * 7) % $3::int) END,
         CASE WHEN j % 2 = 0 THEN 'customer' || ((i * 7) % $3::int) || '@example.com' ELSE 'support@acme.test' END, NULL,
         NULL, b.body, '<p>' || b.body || '</p>',
         CASE WHEN (i + j) % 10 = 0 THEN '[{"url": "https://files.test/x.png", "name": "x.png", "size": 2048, "content_type": "image/png"}]'::jsonb ELSE '[]'::jsonb END,
         '2025-01-01T00:00:00Z'::timestamptz + i * interval '5 minutes' - interval '3 days' + j * interval '7 minutes',
         '2025-01-01T00:00:00Z'::timestamptz + i * interval '5 minutes' - interval '3 days' + j * interval '7 minutes', '{}'::jsonb
       FROM generate_series(1, $4::int) i
       CROSS JOIN generate_series(1, $5::int) j
       CROSS JOIN LATERAL (SELECT (i::bigint * 31 + j * 7919) % 2000 AS a, (i::bigint * 104729 + j * 131) % 2000 AS b2, (i::bigint * 15485863 + j * 17) % 2000 AS c3) k
       JOIN s s1 ON s1.id = k.a
       JOIN s s2 ON s2.id = k.b2
       JOIN s s3 ON s3.id = k.c3
       CROSS JOIN LATERAL (SELECT s1.txt || ' ' || s2.txt || ' ' || s3.txt AS body) b`,
      [TENANT, CONNECTOR, CUSTOMERS, TICKETS, MESSAGES_PER_TICKET],
    );
    await step('search indexes', `CREATE INDEX tickets_search_idx ON tickets USING gin (search)`);
    await step('  (messages)', `CREATE INDEX messages_search_idx ON messages USING gin (search)`);
    await step('VACUUM ANALYZE', `VACUUM ANALYZE`);
  } finally {
    c.release();
  }
}

interface Figures {
  reqPerSec: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  sqlPerRequest?: number;
}

async function cannon(url: string, token: string, body: string, duration = DURATION): Promise<Figures> {
  const before = sqlCount;
  const result: any = await autocannon({
    url: `${url}/graphql`,
    method: 'POST',
    connections: CONNECTIONS,
    duration,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  });
  const requests = result.requests.total;
  return {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests,
    errors: result.errors + result.non2xx + result.timeouts,
    sqlPerRequest: (sqlCount - before) / Math.max(1, requests),
  };
}

/** CONNECTIONS workers running `run` back to back for DURATION s. */
async function loop(run: () => Promise<unknown>): Promise<Figures> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + DURATION * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await run();
        } catch {
          errors++;
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { reqPerSec: latencies.length / DURATION, p50: pct(50), p99: pct(99), requests: latencies.length, errors };
}

async function main() {
  const started = performance.now();
  // BENCH_DATA_DIR keeps the loaded database between runs (for investigating plans); default: a fresh one.
  const keep = process.env.BENCH_DATA_DIR;
  const dir = keep ? path.resolve(keep) : mkdtempSync(path.join(tmpdir(), 'cxconnect-qbench-'));
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const db = await startEmbeddedPostgres(path.join(dir, 'pg'), process.env.BENCH_PG_LOG ? { log: (l) => process.stderr.write(`[pg] ${l}\n`) } : {});
  try {
    Object.assign(process.env, {
      // As deployed: production mode (graphql-js skips its development-only checks).
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      AUTH_JWT_SECRET: SECRET,
      SECRETS_ENCRYPTION_KEYS: `b1:${Buffer.alloc(32, 1).toString('base64')}`,
      SYNC_SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    });
    const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const token = signToken({ tenantId: TENANT, role: 'reader' }, SECRET);
    const pool = new Pool({ connectionString: db.url, max: CONNECTIONS });

    process.stdout.write(`Loading ${TICKETS.toLocaleString('en')} tickets, ${(TICKETS * MESSAGES_PER_TICKET).toLocaleString('en')} messages...\n`);
    const loadStart = performance.now();
    const [{ n: existing }] = (await pool.query('SELECT count(*)::int AS n FROM tickets')).rows;
    if (!existing) await load(pool);
    if (process.env.BENCH_EXPLAIN) {
      for (const [sql, params] of [[PG_LIST, [TENANT]], [PG_SEARCH, [TENANT, SEARCH]]] as const) {
        const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, [...params]);
        process.stdout.write(plan.rows.map((r) => r['QUERY PLAN']).join('\n') + '\n\n');
      }
    }
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const gql = async (query: string, variables?: object) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as any;
    };
    const cases = [
      { name: '(a) tickets(first: 50) + customer + messages(last: 5)', query: LIST_QUERY, variables: undefined, sql: PG_LIST, params: [TENANT], expect: 50 },
      { name: `(b) search "${SEARCH}" (first: 20)`, query: SEARCH_QUERY, variables: { s: SEARCH }, sql: PG_SEARCH, params: [TENANT, SEARCH], expect: 20 },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      // One checked request: right answer, and its SQL statement count.
      const before = sqlCount;
      const answer = await gql(c.query, c.variables);
      const sqlOne = sqlCount - before;
      if (answer.errors) throw new Error(`${c.name}: ${JSON.stringify(answer.errors)}`);
      const got = answer.data.tickets.nodes.length;
      if (got !== c.expect) throw new Error(`${c.name}: expected ${c.expect} tickets, got ${got}`);
      const floorAnswer = (await pool.query(c.sql, c.params)).rows[0].body;
      if (floorAnswer.tickets.nodes.length !== got || floorAnswer.tickets.nodes[0].id !== answer.data.tickets.nodes[0].id) {
        throw new Error(`${c.name}: the plain pg answer differs from the API's`);
      }
      const body = JSON.stringify({ query: c.query, variables: c.variables });
      await cannon(url, token, body, 2); // warm-up
      const api = await cannon(url, token, body);
      const floor = await loop(async () => JSON.stringify((await pool.query(c.sql, c.params)).rows[0].body));
      process.stdout.write(`${c.name}\n  API: ${JSON.stringify(api)}\n  pg:  ${JSON.stringify(floor)}\n`);
      rows.push(
        `| ${c.name} | ${api.reqPerSec.toFixed(0)} | ${api.p50.toFixed(1)} / ${api.p99.toFixed(1)} | ${sqlOne} (${api.sqlPerRequest!.toFixed(2)} under load) | ` +
          `${floor.reqPerSec.toFixed(0)} | ${floor.p50.toFixed(1)} / ${floor.p99.toFixed(1)} | 1 | ${(api.reqPerSec / floor.reqPerSec).toFixed(2)} | ${api.errors + floor.errors} |`,
      );
    }
    await pool.end();
    await app.close();

    const md = `## bench:query

\`npm run bench:query\` — the ticket read API on ${TICKETS.toLocaleString('en')} tickets and ${(TICKETS * MESSAGES_PER_TICKET).toLocaleString('en')} messages
(one tenant, embedded PostgreSQL, load + index + VACUUM ANALYZE ${loadSeconds.toFixed(0)} s). autocannon, ${CONNECTIONS} connections, ${DURATION} s per case,
gateway (NODE_ENV=production) and load generator in one process; the floor is a plain \`pg\` pool (${CONNECTIONS} clients, same time) running one hand-written SQL
statement per answer that builds the same JSON in PostgreSQL (for the search, the API's own best plan for common words: the
newest 2,000 tickets checked one by one). SQL statements counted by wrapping pg's \`Client.prototype.query\`. Run on ${new Date().toISOString().slice(0, 10)}.

| case | API req/s | API p50 / p99 ms | SQL per request | plain pg req/s | pg p50 / p99 ms | pg SQL | API / pg | errors |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Total bench time ${((performance.now() - started) / 1000).toFixed(0)} s.
`;
    process.stdout.write(`\n${md}\n`);
    mkdirSync(path.resolve(__dirname, '../docs'), { recursive: true });
    writeBenchSection('query', md);
  } finally {
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
