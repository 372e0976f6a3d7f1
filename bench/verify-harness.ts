/**
 * What `npm run bench:verify` runs on: the simulator in its own process (bench/sync-harness.ts), an
 * embedded PostgreSQL, the gateway in this process; one initial sync, then the damage and the
 * verifications the bench times.
 */
import 'reflect-metadata';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createHttpApp } from '../src/http-app';
import { Client } from 'pg';
import { freePort, startEmbeddedPostgres } from '../src/database/embedded-postgres';
import { benchAdminToken, EMAIL, KEY, setGatewayEnv, startSimulator } from './sync-harness';

export const SUB = 'bench';

export interface VerifyBenchEnv {
  simPort: number;
  dbUrl: string;
  connectorId: string;
  gql: (query: string, variables?: object) => Promise<any>;
  db: <T>(f: (c: Client) => Promise<T>) => Promise<T>;
}

/** Starts everything, syncs the account, runs `fn`, and tears everything down whatever happens. */
export async function withSyncedAccount<T>(simArgs: string[], fn: (env: VerifyBenchEnv) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-bench-verify-'));
  chmodSync(dir, 0o755);
  const pg = await startEmbeddedPostgres(path.join(dir, 'pg'));
  const simPort = await freePort();
  const sim = await startSimulator(simPort, SUB, simArgs);
  setGatewayEnv(pg.url, simPort, {
    // No poll during the bench: a poll's overlap re-read and its reconcile would repair some damage between verifications.
    SYNC_POLL_SECONDS: '86400',
    SYNC_DEFAULT_INTERVAL_MINUTES: '1440',
  });
  const app = await createHttpApp({ logger: ['error', 'warn'] });
  try {
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
    const db = async <R>(f: (c: Client) => Promise<R>) => {
      const c = new Client({ connectionString: pg.url });
      await c.connect();
      try {
        return await f(c);
      } finally {
        await c.end();
      }
    };
    const created = await gql(
      `mutation { createGorgiasConnector(input: { email: "${EMAIL}", apiKey: "${KEY}", subdomain: "${SUB}" }) { id } }`,
    );
    const connectorId = created.data.createGorgiasConnector.id;
    await gql(`mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id: connectorId });
    for (;;) {
      const run = (await gql(`query($id: ID!) { connector(id: $id) { latestRun { status error } } }`, { id: connectorId })).data.connector
        .latestRun;
      if (run?.status === 'SUCCEEDED') break;
      if (run?.status === 'FAILED') throw new Error(`initial sync failed: ${run.error}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return await fn({ simPort, dbUrl: pg.url, connectorId, gql, db });
  } finally {
    await app.close();
    sim.kill('SIGTERM');
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const FIELDS = `id status ticketsChecked ticketsMissing ticketsStale ticketsExtra messagesChecked messagesMissing messagesStale
  quarantined repaired apiRequests startedAt finishedAt error`;

/** Runs one verification to its end; `wallMs` from the mutation to the end seen. */
export async function timedVerification(env: VerifyBenchEnv, repair: boolean): Promise<any> {
  const started = Date.now();
  const res = await env.gql(`mutation($id: ID!, $r: Boolean) { verifyConnector(connectorId: $id, repair: $r) { id } }`, {
    id: env.connectorId,
    r: repair,
  });
  if (res.errors) throw new Error(JSON.stringify(res.errors));
  const vid = res.data.verifyConnector.id;
  for (;;) {
    const v = (await env.gql(`query($id: ID!) { syncVerification(id: $id) { ${FIELDS} } }`, { id: vid })).data.syncVerification;
    if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(v.status)) {
      if (v.status !== 'SUCCEEDED') throw new Error(`verification ${v.status}: ${v.error}`);
      return { ...v, wallMs: Date.now() - started, runMs: Date.parse(v.finishedAt) - Date.parse(v.startedAt) };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Damages 1 % of the rows behind the API: of the tickets, 40 % get a new subject (updated_at kept), 30 %
 * are deleted with their messages, and as many live tickets Gorgias never had are added; of the messages,
 * half are deleted and half get a new body. Returns what was done.
 */
export async function damageOnePercent(env: VerifyBenchEnv, tickets: number, messages: number) {
  const t = Math.round(tickets / 100);
  const m = Math.round(messages / 100);
  const stale = Math.round(t * 0.4);
  const gone = Math.round(t * 0.3);
  const ghosts = t - stale - gone;
  return env.db(async (c) => {
    const id = env.connectorId;
    const ids = (
      await c.query(
        `SELECT external_id::text AS x FROM tickets WHERE connector_id = $1 AND deleted_at IS NULL ORDER BY md5(external_id::text) LIMIT $2`,
        [id, stale + gone],
      )
    ).rows.map((r) => r.x);
    await c.query(`UPDATE tickets SET subject = 'damaged' WHERE connector_id = $1 AND external_id = ANY($2::bigint[])`, [
      id,
      ids.slice(0, stale),
    ]);
    const goneIds = ids.slice(stale);
    const goneMessages =
      (await c.query(`DELETE FROM messages WHERE connector_id = $1 AND ticket_external_id = ANY($2::bigint[])`, [id, goneIds])).rowCount ??
      0;
    await c.query(`DELETE FROM tickets WHERE connector_id = $1 AND external_id = ANY($2::bigint[])`, [id, goneIds]);
    const cols = (
      await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = 'tickets' AND is_generated = 'NEVER'
                        AND column_name NOT IN ('id', 'external_id', 'feed_xact_id', 'feed_seq') AND table_schema = current_schema()`)
    ).rows
      .map((r) => r.column_name)
      .join(', ');
    await c.query(
      `INSERT INTO tickets (external_id, ${cols}) SELECT 900000000 + row_number() OVER (), ${cols}
         FROM (SELECT * FROM tickets WHERE connector_id = $1 AND deleted_at IS NULL ORDER BY external_id LIMIT $2) s`,
      [id, ghosts],
    );
    const msgIds = (
      await c.query(
        `SELECT external_id::text AS x FROM messages WHERE connector_id = $1 AND deleted_at IS NULL ORDER BY md5(external_id::text) LIMIT $2`,
        [id, m],
      )
    ).rows.map((r) => r.x);
    const half = Math.floor(m / 2);
    await c.query(`DELETE FROM messages WHERE connector_id = $1 AND external_id = ANY($2::bigint[])`, [id, msgIds.slice(0, half)]);
    await c.query(`UPDATE messages SET body_text = 'damaged' WHERE connector_id = $1 AND external_id = ANY($2::bigint[])`, [
      id,
      msgIds.slice(half),
    ]);
    return { staleTickets: stale, goneTickets: gone, goneMessages, ghosts, deletedMessages: half, staleMessages: msgIds.length - half };
  });
}

/** The floor: every page of both lists fetched from the simulator, no database work (the same calls a verification makes). */
export async function listEverything(simPort: number): Promise<{ ms: number; calls: number; rows: number }> {
  const auth = `Basic ${Buffer.from(`${EMAIL}:${KEY}`).toString('base64')}`;
  const started = Date.now();
  let calls = 0;
  let rows = 0;
  for (const list of ['tickets', 'messages']) {
    let cursor: string | null = null;
    do {
      const q = new URLSearchParams({ limit: '100', order_by: 'created_datetime:desc', ...(cursor ? { cursor } : {}) });
      const page = (await (
        await fetch(`http://127.0.0.1:${simPort}/${SUB}/api/${list}?${q}`, { headers: { authorization: auth } })
      ).json()) as any;
      calls++;
      rows += page.data.length;
      cursor = page.meta.next_cursor;
    } while (cursor);
  }
  return { ms: Date.now() - started, calls, rows };
}
