import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { metricValue, parseMetrics, scrape } from '../../support/prometheus';
import { createAndActivate, diffAgainstGorgias, storedData, waitForRun, withDb } from '../../support/sync-helpers';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { freePort, randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { eventually as poll } from '../../support/poll';

const EMAIL = 'admin@acme.test';
/** The flooded connector's webhook budget in this test (Gorgias calls per minute) and its cap of held requests. */
const CALLS_PER_MINUTE = 12;
const MAX_PENDING = 50;
const FORGED = (i: number) => String(900_000_000 + i);
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';

/** Until `check` holds (the shared poller; behaviour, not time: the deadline only stops a broken run). */
const eventually = <T>(check: () => Promise<T>, what: string) => poll(check, { what, timeoutMs: 30_000, intervalMs: 50 });

/**
 * Security review M-1: whoever holds one connector's webhook secret floods it with forged ticket
 * ids. The Gorgias calls that causes stay within that connector's webhook budget, it holds at most
 * its cap of requests, and another connector's changes still arrive within seconds.
 */
describe('a webhook flood with forged ticket ids', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  let t: TestApp;
  const tenant = randomTenant('flood');

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    db = await createTestDatabase();
    const port = await freePort();
    t = await startTestApp({
      databaseUrl: db.url,
      port,
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SYNC_SCHEDULER_ENABLED: 'true',
        SYNC_TICK_SECONDS: '1',
        SYNC_POLL_SECONDS: '3600', // no poll during the test: every call after the first sync is a webhook's
        WEBHOOK_REFRESH_CALLS_PER_MINUTE: String(CALLS_PER_MINUTE),
        WEBHOOK_MAX_PENDING_TICKETS: String(MAX_PENDING),
        METRICS_TOKEN,
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await db?.drop();
  });

  it('costs at most the webhook budget in Gorgias calls, holds at most the cap, and leaves another connector as fresh', async () => {
    const admin = t.token(tenant);
    const victim = sim.addAccount({ subdomain: 'flooded', email: EMAIL, apiKey: 'flooded-key-012345', seed: 31, tickets: 30 });
    const bystander = sim.addAccount({ subdomain: 'bystander', email: EMAIL, apiKey: 'bystander-key-0123', seed: 32, tickets: 30 });
    const a = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'flooded-key-012345', subdomain: 'flooded' });
    const b = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'bystander-key-0123', subdomain: 'bystander' });
    await waitForRun(t, admin, a);
    await waitForRun(t, admin, b);
    const secret = /^Bearer (.+)$/.exec(victim.integrations()[0].http.headers.Authorization)![1];
    const held = async () =>
      withDb(
        db.url,
        async (c) => (await c.query(`SELECT count(*)::int AS n FROM ticket_refresh_requests WHERE connector_id = $1`, [a])).rows[0].n,
      );
    const webhookRuns = () =>
      withDb(
        db.url,
        async (c) =>
          (
            await c.query(
              `SELECT mode, status, api_requests FROM sync_runs WHERE connector_id = $1 AND trigger = 'WEBHOOK' ORDER BY created_at`,
              [a],
            )
          ).rows,
      );
    /** How long a real change of the bystander takes to reach our database through its webhook. */
    const bystanderLagMs = async (subject: string, ticket: number) => {
      const started = Date.now();
      bystander.updateTicket(bystander.snapshot().tickets[ticket].id, { subject });
      await eventually(
        async () => diffAgainstGorgias(bystander.snapshot(), await storedData(db.url, b)).length === 0,
        'the change to show',
      );
      return Date.now() - started;
    };
    const quietLag = await bystanderLagMs('before the flood', 2);

    const callsBefore = victim.stats().requests;
    const flood = async (from: number, n: number) => {
      for (let i = from; i < from + n; i++) {
        const res = await fetch(`${t.url}/webhooks/gorgias/${a}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ ticket_id: FORGED(i) }),
        });
        expect(res.status).toBe(202);
      }
    };
    // 40 forged ids (under the cap): one REFRESH run reads them until the budget is spent.
    await flood(0, 40);
    const floodLag = await bystanderLagMs('during the flood', 3);
    await eventually(async () => {
      const runs = await webhookRuns();
      return runs.length > 0 && runs.every((r) => ['SUCCEEDED', 'FAILED'].includes(r.status));
    }, 'the refresh of the flooded connector to end');
    // The ids Gorgias answered 404 for, again, and 200 more: at most the cap is held, the rest folds into a walk.
    await flood(0, 40);
    await flood(1000, 200);
    await new Promise((r) => setTimeout(r, 3000)); // room for any run the flood could still cause
    const floodCalls = victim.stats().requests - callsBefore;
    const heldAfter = await held();
    if (process.env.FLOOD_FIGURES) process.stdout.write(`flood: ${JSON.stringify({ floodCalls, heldAfter, quietLag, floodLag })}\n`);

    expect(heldAfter).toBeLessThanOrEqual(MAX_PENDING);
    expect(floodCalls).toBeGreaterThan(0);
    expect(floodCalls).toBeLessThanOrEqual(CALLS_PER_MINUTE);
    const runs = await webhookRuns();
    expect(runs.reduce((n, r) => n + r.api_requests, 0)).toBe(floodCalls);
    const walk = await withDb(
      db.url,
      async (c) => (await c.query(`SELECT walk_requested_at FROM webhook_refresh_state WHERE connector_id = $1`, [a])).rows[0],
    );
    expect(walk.walk_requested_at).not.toBeNull(); // the rest waits for the incremental walk once the minute's budget is back
    const missing = await withDb(
      db.url,
      async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM webhook_answered_tickets WHERE connector_id = $1 AND not_found`, [a])).rows[0].n,
    );
    expect(missing).toBeGreaterThan(0);
    // What the flood was answered, as an operator sees it: ids past the cap folded, repeated 404 ids refused.
    const families = parseMetrics((await scrape(`${t.url}/metrics`, METRICS_TOKEN)).body);
    const deliveries = (reason: string) => metricValue(families, 'cxconnect_webhook_deliveries_total', { reason });
    expect(deliveries('folded')).toBe(200 + 40 - MAX_PENDING - missing);
    expect(deliveries('missing_ticket')).toBe(missing);

    // The other connector's changes arrive as fast as before the flood, through the same scheduler.
    const afterLag = await bystanderLagMs('after the flood', 4);
    expect(Math.max(floodLag, afterLag)).toBeLessThan(Math.max(3000, 3 * quietLag));
  });

  it('one real ticket id posted every 350 ms makes a run every few seconds, not one per delivery', async () => {
    const admin = t.token(tenant);
    const acct = sim.addAccount({ subdomain: 'repeated', email: EMAIL, apiKey: 'repeated-key-01234', seed: 33, tickets: 10 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'repeated-key-01234', subdomain: 'repeated' });
    await waitForRun(t, admin, id);
    const secret = /^Bearer (.+)$/.exec(acct.integrations()[0].http.headers.Authorization)![1];
    const ticket = acct.snapshot().tickets[0].id;
    const callsBefore = acct.stats().requests;
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      const res = await fetch(`${t.url}/webhooks/gorgias/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ ticket_id: ticket }),
      });
      expect(res.status).toBe(202);
      await new Promise((r) => setTimeout(r, 350));
    }
    const runs = await eventually(async () => {
      const rows = (
        await withDb(db.url, (c) => c.query(`SELECT status FROM sync_runs WHERE connector_id = $1 AND trigger = 'WEBHOOK'`, [id]))
      ).rows;
      return rows.every((r) => ['SUCCEEDED', 'FAILED'].includes(r.status)) && rows;
    }, 'the refreshes to end');
    const calls = acct.stats().requests - callsBefore;
    if (process.env.FLOOD_FIGURES) process.stdout.write(`repeat: ${JSON.stringify({ runs: runs.length, calls })}\n`);
    // 29 deliveries in 10 s: one run at first, then at most one per REFRESH_REREAD_DEFER_MS (3 s) after each read.
    expect(runs.length).toBeGreaterThanOrEqual(1);
    expect(runs.length).toBeLessThanOrEqual(5);
    expect(calls).toBeLessThanOrEqual(2 * runs.length);
  });
});
