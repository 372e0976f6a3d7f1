import { GorgiasSimulator, startGorgiasSimulator } from '../gorgias-simulator';
import { randomTenant, startTestApp, TestApp } from './test-app';

/** A simulator and a gateway whose scheduler ticks every second, with one tenant's admin token. */
export interface SyncingApp {
  sim: GorgiasSimulator;
  t: TestApp;
  tenant: string;
  admin: string;
}

/**
 * Registers the beforeAll/afterAll that most sync specs share: a simulator (clock 20x), a gateway on it
 * with the scheduler on, and an admin token for a fresh tenant. The returned object is filled in beforeAll.
 */
export function useSyncingApp(tenantName: string, env: Record<string, string> = {}): SyncingApp {
  const app = { tenant: randomTenant(tenantName) } as SyncingApp;
  beforeAll(async () => {
    app.sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    app.t = await startTestApp({
      env: { GORGIAS_BASE_URL: app.sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1', ...env },
    });
    app.admin = app.t.token(app.tenant, 'admin');
  });
  afterAll(async () => {
    await app.t?.close();
    await app.sim?.close();
  });
  return app;
}
