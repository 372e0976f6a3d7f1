import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, waitForRun, withDb } from '../../support/sync-helpers';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { freePort, randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { eventually } from '../../support/poll';

const EMAIL = 'admin@acme.test';
/** Small so the test is short; the connector's own interval (15 min) is far beyond the test's deadlines. */
const POLL_SECONDS = 10;
/** Generous: several polls. Without the poll in webhook mode the change would wait for the 15-minute interval. */
const NEXT_POLL_MS = 6 * POLL_SECONDS * 1000;

/**
 * Issue 27, item 3: a change whose webhook Gorgias never delivered is still synced by the next poll
 * (every SYNC_POLL_SECONDS) while other webhooks arrive, not only at the connector's interval.
 */
describe('a dropped webhook delivery while webhooks are live', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  let t: TestApp | undefined;
  const tenant = randomTenant('dropped');

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await db?.drop();
  });

  const storedSubject = (connectorId: string, ticketId: number) =>
    withDb(
      db.url,
      async (c) =>
        (await c.query(`SELECT subject FROM tickets WHERE connector_id = $1 AND external_id = $2`, [connectorId, ticketId])).rows[0]
          ?.subject as string | undefined,
    );
  const runsSince = (connectorId: string, since: Date) =>
    withDb(
      db.url,
      async (c) =>
        (
          await c.query(`SELECT mode, trigger, status FROM sync_runs WHERE connector_id = $1 AND created_at >= $2 ORDER BY created_at`, [
            connectorId,
            since,
          ])
        ).rows as { mode: string; trigger: string; status: string }[],
    );

  it('is synced by the next poll, and the poll stays every SYNC_POLL_SECONDS after webhooks arrive', async () => {
    const acct = sim.addAccount({ subdomain: 'dropped', email: EMAIL, apiKey: 'dropped-key-01234', seed: 27, tickets: 10 });
    const port = await freePort();
    t = await startTestApp({
      databaseUrl: db.url,
      port,
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SYNC_SCHEDULER_ENABLED: 'true',
        SYNC_TICK_SECONDS: '1',
        SYNC_POLL_SECONDS: String(POLL_SECONDS),
      },
    });
    const admin = t.token(tenant);
    const id = await createAndActivate(t, admin, {
      email: EMAIL,
      apiKey: 'dropped-key-01234',
      subdomain: 'dropped',
      syncIntervalMinutes: 15,
    });
    await waitForRun(t, admin, id);
    const connector = async () =>
      (await t!.gql(`query($id: ID!) { connector(id: $id) { lastSyncedAt nextSyncAt realtime { mode lastWebhookAt } } }`, { id }, admin))
        .data.connector;
    const gapSeconds = (c: { lastSyncedAt: string; nextSyncAt: string }) =>
      Math.round((Date.parse(c.nextSyncAt) - Date.parse(c.lastSyncedAt)) / 1000);
    expect(gapSeconds(await connector())).toBe(POLL_SECONDS);

    // A delivered change: webhooks are live (the case that used to poll only at the 15-minute interval).
    const [announced, lost] = acct.snapshot().tickets.filter((tk) => !tk.trashed_datetime);
    acct.updateTicket(announced.id, { subject: 'announced by its webhook' });
    await eventually(async () => (await storedSubject(id, announced.id)) === 'announced by its webhook', {
      what: 'the announced change',
      timeoutMs: NEXT_POLL_MS,
    });
    const live = await eventually(async () => {
      const c = await connector();
      return c.realtime.lastWebhookAt ? c : null;
    }, 'the webhook to be recorded');
    expect(live.realtime.mode).toBe('WEBHOOKS');
    // A poll after the webhook: it used to schedule the next one at the interval (900 s) from here on.
    const polledWhileLive = await eventually(
      async () => {
        const c = await connector();
        return Date.parse(c.lastSyncedAt) > Date.parse(live.realtime.lastWebhookAt) ? c : null;
      },
      { what: 'a poll while webhooks are live', timeoutMs: NEXT_POLL_MS },
    );
    expect(gapSeconds(polledWhileLive)).toBe(POLL_SECONDS);

    // Gorgias drops the next delivery: only a poll can bring this change.
    acct.setWebhookDelivery({ dropRate: 1 });
    const changedAt = new Date();
    acct.updateTicket(lost.id, { subject: 'its webhook was dropped' });
    const deliveries = acct.webhookDeliveries().filter((d) => d.ticketId === lost.id && d.firedAt >= changedAt.getTime());
    expect(deliveries.length).toBeGreaterThan(0);
    expect(deliveries.every((d) => d.outcome === 'dropped')).toBe(true);

    await eventually(async () => (await storedSubject(id, lost.id)) === 'its webhook was dropped', {
      what: 'the dropped change to be polled in',
      timeoutMs: NEXT_POLL_MS,
    });
    // It came by a scheduled poll: nothing was announced, so no REFRESH run was made for it.
    // The row is written at the run's page commit, before the run records its end: wait for that.
    const polled = { mode: 'INCREMENTAL', trigger: 'SCHEDULE', status: 'SUCCEEDED' };
    const runs = await eventually(() => runsSince(id, changedAt), {
      what: 'the poll that read it to succeed',
      timeoutMs: NEXT_POLL_MS,
      until: (rs) => rs.some((r) => r.mode === polled.mode && r.trigger === polled.trigger && r.status === polled.status),
    });
    expect(runs).toContainEqual(polled);
    expect(runs.filter((r) => r.mode === 'REFRESH')).toEqual([]);

    // Webhooks still count as arriving, and the next poll is still SYNC_POLL_SECONDS away, not the interval.
    const after = await eventually(async () => {
      const c = await connector();
      return Date.parse(c.lastSyncedAt) > changedAt.getTime() ? c : null;
    }, 'a poll after the change');
    expect(after.realtime).toMatchObject({ mode: 'WEBHOOKS', lastWebhookAt: expect.any(String) });
    expect(gapSeconds(after)).toBe(POLL_SECONDS);
  }, 180_000);
});
