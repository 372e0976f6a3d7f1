/** The benchmark's data set: customer-support-like text (so that search has something to find), loaded with generate_series. */
import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';

export const TENANT = 'bench';
export const CONNECTOR = '0c000000-0000-4000-8000-000000000001';
export const CUSTOMERS = 20_000;

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

/** Loads `tickets` tickets with `messagesPerTicket` messages each into a migrated, empty database; then VACUUM ANALYZE. */
export async function load(pool: Pool, tickets: number, messagesPerTicket: number) {
  const TICKETS = tickets;
  const MESSAGES_PER_TICKET = messagesPerTicket;
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
