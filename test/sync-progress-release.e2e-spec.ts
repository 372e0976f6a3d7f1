import { SyncProgressBus } from '../src/sync/progress/sync-progress.bus';
import { startGorgiasSimulator, GorgiasSimulator } from './gorgias-simulator';
import { CREATE_CONNECTOR } from './support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from './support/test-app';
import { wsClient } from './support/ws-client';

const EMAIL = 'admin@quiet.test';
const KEY = 'quiet-key-0123456789';

/** Waits (without a wall-clock assertion) until `check` holds; fails after `timeoutMs`. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Issue 11 (M1): unsubscribing from syncProgress of a quiet connector releases everything at once. */
describe('syncProgress unsubscribe', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('quiet');

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0 });
    sim.addAccount({ subdomain: 'quiet', email: EMAIL, apiKey: KEY, seed: 1, tickets: 1 });
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate } });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('subscribing and completing 1,000 times leaves no listener behind', async () => {
    const admin = t.token(tenant, 'admin');
    const created = await t.gql(CREATE_CONNECTOR, { input: { email: EMAIL, apiKey: KEY, subdomain: 'quiet' } }, admin);
    const id = created.data.createGorgiasConnector.id; // never activated: no run, no event ever comes
    const bus = t.app.get(SyncProgressBus);
    const client = wsClient(t.url, `Bearer ${admin}`);
    const errors: unknown[] = [];
    const baseline = bus.subscriberCount;
    try {
      for (let i = 0; i < 1_000; i++) {
        const dispose = client.subscribe(
          { query: 'subscription($id: ID!) { syncProgress(connectorId: $id) { status } }', variables: { id } },
          { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined },
        );
        // The server holds the subscription (its listener is registered) ...
        await until(`subscription ${i} to be held`, () => bus.subscriberCount === baseline + 1 || errors.length > 0);
        dispose(); // ... and the client completes it while nothing is published
        await until(`subscription ${i} to be released`, () => bus.subscriberCount === baseline);
      }
    } finally {
      await client.dispose();
    }
    expect(errors).toEqual([]);
    expect(bus.subscriberCount).toBe(baseline);
  });
});
