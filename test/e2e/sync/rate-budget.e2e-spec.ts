import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, waitForRun } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@shared.test';
const KEY = 'shared-account-key-42';
const CLOCK_SCALE = 20; // 40 calls / 20 s becomes 40 calls per real second

/**
 * A good citizen of the customer's account: while another integration uses 60 % of the account's
 * budget, an initial sync takes only what is left and never makes that integration meet a 429.
 */
describe('sharing the Gorgias account with another integration', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: CLOCK_SCALE });
    sim.addAccount({ subdomain: 'shared', email: EMAIL, apiKey: KEY, seed: 11, tickets: 2000, messages: 4000 });
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('an initial sync alongside a client using 60 % of the budget in bursts causes it no 429', async () => {
    const apiBase = sim.baseUrlTemplate.replace('{subdomain}', 'shared') + '/api';
    const auth = `Basic ${Buffer.from(`${EMAIL}:${KEY}`).toString('base64')}`;
    const other = { calls: 0, refused: 0 };
    // 60 % of the budget (24 calls per real second), in bursts of 6 calls at once: within the 20 % of the
    // bucket (8 calls) left to it, so it may never be refused.
    const rate = 40 * 0.6;
    const burst = 6;
    const interval = (burst * 1000) / rate;
    let next = Date.now();
    let running = true;
    const pending: Promise<void>[] = [];
    const loop = (async () => {
      while (running) {
        const wait = next - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        // A late burst does not pull the next one forward: when this event loop stalls (a busy CI
        // machine), catching up would send two bursts at once, 12 calls, beyond the share this client
        // promises to keep, and the test would blame the sync for the client's own bunching.
        next = Math.max(next, Date.now()) + interval;
        for (let i = 0; i < burst; i++) {
          pending.push(
            fetch(`${apiBase}/tickets?limit=1`, { headers: { authorization: auth } }).then(async (res) => {
              other.calls++;
              if (res.status === 429) other.refused++;
              await res.arrayBuffer();
            }),
          );
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 1000)); // the other integration is at its pace
    const admin = t.token(randomTenant('shared'));
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'shared' });
    const run = await waitForRun(t, admin, id);
    running = false;
    await loop;
    await Promise.all(pending);

    expect(run.status).toBe('SUCCEEDED');
    expect(run.ticketsSynced).toBe(2000);
    expect(other.calls).toBeGreaterThan(50);
    expect(other.refused).toBe(0);
  });
});
