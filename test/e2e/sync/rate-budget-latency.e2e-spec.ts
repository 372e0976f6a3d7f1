import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { startOtherIntegration } from '../../support/other-integration';
import { createAndActivate, waitForRun } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@slow.test';
const KEY = 'slow-account-key-21';
/**
 * 40 calls / 20 s becomes 40 per 5 real seconds: slow enough that with answers 150 ms late the budget,
 * not the latency, paces our sync (the rest of the budget is 3.2 calls/s; one call in flight does ~6).
 */
const CLOCK_SCALE = 4;

/**
 * A good citizen of the customer's account on a bad day: Gorgias answers every call 150 ms late (so each
 * level we read is that old) and fails 5 % of calls with a 5xx that we retry, while another integration
 * uses 60 % of the budget in bursts. Our initial sync must still never make that integration meet a 429.
 */
describe('sharing the Gorgias account under latency and faults', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: CLOCK_SCALE });
    const acct = sim.addAccount({ subdomain: 'slow', email: EMAIL, apiKey: KEY, seed: 21, tickets: 300, messages: 3000 });
    acct.setFaults({ slowMs: 150, slowRate: 1, errorRate: 0.05, seed: 21 });
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('an initial sync with answers 150 ms late and 5 % of calls failing causes the other integration no 429', async () => {
    const apiBase = sim.baseUrlTemplate.replace('{subdomain}', 'slow') + '/api';
    // 60 % of the budget in bursts of 6 calls: within the 20 % of the bucket (8 calls) our share leaves it.
    const other = startOtherIntegration(apiBase, EMAIL, KEY, (40 / 20) * CLOCK_SCALE * 0.6, 6);
    await new Promise((r) => setTimeout(r, 1500)); // the other integration is at its pace
    const before = sim.account('slow').stats();
    const admin = t.token(randomTenant('slow'));
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'slow' });
    const run = await waitForRun(t, admin, id);
    const counts = await other.stop();
    const after = sim.account('slow').stats();

    expect(run.status).toBe('SUCCEEDED');
    expect(run.ticketsSynced).toBe(300);
    // More calls than the bucket's first room (32), so the budget, not just the empty bucket, was shared.
    expect(run.apiRequests).toBeGreaterThan(40);
    // The bad day happened: some calls failed and were retried.
    expect(after.faults - before.faults).toBeGreaterThan(0);
    expect(counts.calls).toBeGreaterThan(20);
    expect(counts.refused).toBe(0);
    // Nor did we meet one: the simulator refused nobody during the run.
    expect(after.rateLimited - before.rateLimited).toBe(0);
  });
});
