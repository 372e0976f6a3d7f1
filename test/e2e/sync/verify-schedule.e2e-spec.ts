import { GorgiasSimulator } from '../../gorgias-simulator';
import { eventually } from '../../support/poll';
import { metricValue, parseMetrics, scrape } from '../../support/prometheus';
import { useSyncingApp } from '../../support/syncing-app';
import { createAndActivate, TRIGGER, waitForRun, withDb } from '../../support/sync-helpers';
import { TestApp } from '../../support/test-app';
import { differences, verify, VERIFICATION, VERIFICATIONS, VERIFY, waitForVerification } from '../../support/verify-helpers';

const EMAIL = 'admin@verify-schedule.test';
const KEY = 'verify-schedule-key-0123456789';
const METRICS_TOKEN = 'verify-metrics-token-0123456789';

describe('scheduled verification, its metrics, and polls beside a running verification', () => {
  const app = useSyncingApp('verify-schedule', {
    VERIFY_EVERY_HOURS: '1',
    VERIFY_WINDOW_DAYS: '7',
    VERIFY_BUDGET_SHARE: '1',
    METRICS_TOKEN,
  });
  let sim: GorgiasSimulator;
  let t: TestApp;
  let admin: string;
  let id: string;
  let acct: ReturnType<GorgiasSimulator['addAccount']>;
  const gql = (q: string, v: Record<string, unknown>, token: string) => t.gql(q, v, token);
  const metric = async (name: string, labels: Record<string, string>) =>
    metricValue(parseMetrics((await scrape(`${t.url}/metrics`, METRICS_TOKEN)).body), name, { connector_id: id, ...labels });

  beforeAll(async () => {
    ({ sim, t, admin } = app);
    acct = sim.addAccount({ subdomain: 'vsched', email: EMAIL, apiKey: KEY, seed: 12, tickets: 150, messagesPerTicket: 3 });
    id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'vsched' });
    expect(await waitForRun(t, admin, id)).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('once synced, the connector verifies its last VERIFY_WINDOW_DAYS on its own, once per VERIFY_EVERY_HOURS', async () => {
    const scheduled = await eventually(
      async () => (await gql(VERIFICATIONS, { id, first: 5 }, admin)).data.syncVerifications.nodes[0]?.id as string | undefined,
      { what: 'a scheduled verification', timeoutMs: 30_000 },
    );
    const v = await waitForVerification(gql, admin, scheduled);
    expect(v).toMatchObject({ status: 'SUCCEEDED', trigger: 'SCHEDULE', repair: true, to: null });
    expect(Math.abs(Date.parse(v.from) - (Date.parse(v.startedAt) - 7 * 86_400_000))).toBeLessThan(60_000);
    const recent = acct.snapshot().tickets.filter((x) => Date.parse(x.created_datetime) >= Date.parse(v.from));
    expect(recent.length).toBeGreaterThan(0);
    expect(v.ticketsChecked).toBe(recent.length);
    expect(differences(v)).toBe(0);
    // Ticks go on (every second); the next one is due in an hour.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await gql(VERIFICATIONS, { id }, admin)).data.syncVerifications.totalCount).toBe(1);
  });

  it("/metrics shows the last verification's counts and age; the streak of differing ones reaches 2 (the alert)", async () => {
    const ticket = String(acct.snapshot().tickets[5].id);
    await withDb(t.databaseUrl, (c) =>
      c.query(`UPDATE tickets SET subject = 'x' WHERE connector_id = $1 AND external_id = $2`, [id, ticket]),
    );
    await verify(gql, admin, id, { repair: false });
    expect(await metric('cxconnect_verification_differences', { kind: 'tickets_stale' })).toBe(1);
    expect(await metric('cxconnect_verification_differing_streak', {})).toBe(1);
    await verify(gql, admin, id, { repair: false });
    expect(await metric('cxconnect_verification_differing_streak', {})).toBe(2);
    expect(await metric('cxconnect_verification_age_seconds', {})).toBeGreaterThanOrEqual(0);
    expect(await metric('cxconnect_verification_checked', { object: 'ticket' })).toBe(150);
    const fixed = await verify(gql, admin, id, { repair: true });
    expect(fixed.repaired).toBe(1);
    expect(await metric('cxconnect_verification_repaired', {})).toBe(1);
    await verify(gql, admin, id, { repair: false });
    expect(await metric('cxconnect_verification_differing_streak', {})).toBe(0);
  });

  it('a sync runs to its end while a verification of the same connector is running; a cancel stops the verification', async () => {
    acct.setFaults({ slowMs: 300, slowRate: 1 });
    try {
      const started = (await gql(VERIFY, { id, repair: false }, admin)).data.verifyConnector;
      const run = (await gql(TRIGGER, { id }, admin)).data.triggerSync;
      expect(await waitForRun(t, admin, id, run.id)).toMatchObject({ status: 'SUCCEEDED' });
      expect((await gql(VERIFICATION, { id: started.id }, admin)).data.syncVerification.status).toMatch(/QUEUED|RUNNING/);
      // One at a time per connector: asking again returns the one under way.
      expect((await gql(VERIFY, { id }, admin)).data.verifyConnector.id).toBe(started.id);
      const cancelled = await gql(`mutation($id: ID!) { cancelSyncVerification(connectorId: $id) { id } }`, { id }, admin);
      expect(cancelled.data.cancelSyncVerification.id).toBe(started.id);
      expect(await waitForVerification(gql, admin, started.id)).toMatchObject({ status: 'CANCELLED' });
    } finally {
      acct.setFaults({});
    }
  });
});
