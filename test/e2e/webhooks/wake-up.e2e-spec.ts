import { ConnectorLifecycle } from '../../../src/connectors/connector-lifecycle';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { createAndActivate, TRIGGER, waitForRun } from '../../support/sync-helpers';

const EMAIL = 'admin@acme.test';
const KEY = 'wake-key-0123456789';
/** The scheduler's own tick comes only every 5 minutes here: anything sooner was started by the wake-up NOTIFY. */
const TICK_SECONDS = 300;
/** Well under one tick: a run that ends before this was not waiting for the tick. */
const WITHIN_MS = (TICK_SECONDS * 1000) / 5;

describe('Wake-up: enqueuing a run starts it at once, not at the next scheduler tick', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('wake');
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    t = await startTestApp({
      env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: String(TICK_SECONDS) },
    });
    admin = t.token(tenant, 'admin');
    // Activation's transaction stays open a moment after the run is enqueued (as under load): a
    // wake-up sent before COMMIT would find nothing to claim, and the run would wait for the tick.
    t.app.get(ConnectorLifecycle).register({ activated: () => new Promise((r) => setTimeout(r, 700)) });
    // Let the start-up tick pass, so only a wake-up can start what follows.
    await new Promise((r) => setTimeout(r, 500));
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('activation (NOTIFY sent in its transaction, delivered at COMMIT) starts the initial sync', async () => {
    sim.addAccount({ subdomain: 'wake', email: EMAIL, apiKey: KEY, seed: 31, tickets: 30 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'wake' });
    const run = await waitForRun(t, admin, id, undefined, WITHIN_MS);
    expect(run).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 30 });

    // "Sync now" too, after the scheduler went idle again.
    await new Promise((r) => setTimeout(r, 500));
    const triggered = await t.gql(TRIGGER, { id, mode: 'FULL' }, admin);
    expect(triggered.errors).toBeUndefined();
    const full = await waitForRun(t, admin, id, triggered.data.triggerSync.id, WITHIN_MS);
    expect(full).toMatchObject({ status: 'SUCCEEDED', mode: 'FULL' });
  });
});
