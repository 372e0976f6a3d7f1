import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { createAndActivate, TRIGGER, waitForRun, withDb } from '../../support/sync-helpers';

const EMAIL = 'admin@outage.test';
const KEY = 'outage-key-0123456789';
const LOG = `query($id: ID!, $run: ID, $level: SyncLogLevel) {
  syncLogs(connectorId: $id, runId: $run, level: $level, first: 50) { nodes { level message at } } }`;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/;

describe('an outage of Gorgias shows in the sync log at ERROR', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('outage');
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    t = await startTestApp({
      // No retries inside one call: each attempt of the run fails at its first 5xx.
      env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1', GORGIAS_MAX_RETRIES: '0' },
    });
    admin = t.token(tenant, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const lines = async (id: string, vars: { run?: string; level?: string } = {}) =>
    (await t.gql(LOG, { id, ...vars }, admin)).data.syncLogs.nodes as { level: string; message: string }[];

  /** Waits until the run is back in the queue after `attempts` attempts, then makes its retry due now (instead of in 30 s, 60 s…). */
  async function hurryRetry(id: string, runId: string, attempts: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [run] = await withDb(
        t.databaseUrl,
        async (db) => (await db.query(`SELECT status, attempts FROM sync_runs WHERE id = $1`, [runId])).rows,
      );
      if (run.status === 'QUEUED' && run.attempts === attempts) break;
      if (Date.now() > deadline) throw new Error(`run never came back after attempt ${attempts}: ${JSON.stringify(run)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await withDb(t.databaseUrl, (db) =>
      db.query(`UPDATE sync_runs SET lease_expires_at = now() WHERE id = $1 AND status = 'QUEUED'`, [runId]),
    );
  }

  it('the first retry is a WARN; every failure after it, and giving up, is an ERROR with the attempt and the next try time', async () => {
    sim.addAccount({ subdomain: 'outage', email: EMAIL, apiKey: KEY, seed: 51, tickets: 10 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'outage' });
    expect(await waitForRun(t, admin, id)).toMatchObject({ status: 'SUCCEEDED' });

    sim.account('outage').setFaults({ errorRate: 1 }); // every call answers 500, 502 or 503
    const runId = (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id;
    await hurryRetry(id, runId, 1);
    // One transient failure: WARN, and the Errors filter stays empty.
    const first = await lines(id, { run: runId });
    expect(first.filter((l) => l.level !== 'INFO').map(({ level, message }) => ({ level, message }))).toEqual([
      {
        level: 'WARN',
        message: expect.stringMatching(new RegExp(`resume from where it stopped at ${ISO.source} \\(in 30 s; attempt 1 of 5\\)`)),
      },
    ]);
    expect(await lines(id, { run: runId, level: 'ERROR' })).toEqual([]);

    // Still failing: each further failure is an ERROR naming its attempt and the next try; the last
    // attempt gives up (FAILED) with an ERROR that says so and when the connector is tried again.
    for (const attempt of [2, 3, 4]) await hurryRetry(id, runId, attempt);
    const run = await waitForRun(t, admin, id, runId, 30_000);
    expect(run.status).toBe('FAILED');
    const errors = (await lines(id, { run: runId, level: 'ERROR' })).map((l) => l.message).reverse();
    expect(errors).toEqual([
      ...[2, 3, 4].map((n) =>
        expect.stringMatching(new RegExp(`^Sync attempt ${n} of 5 failed, and failed before: .*Next try at ${ISO.source} \\(in \\d+ s\\)`)),
      ),
      expect.stringMatching(
        new RegExp(`^Sync failed \\(attempt 5, the last of 5\\): .*Next try at ${ISO.source} \\(the next scheduled sync\\)`),
      ),
    ]);
    const last = errors[errors.length - 1];
    const nextSync = (await t.gql(`query($id: ID!) { connector(id: $id) { nextSyncAt } }`, { id }, admin)).data.connector.nextSyncAt;
    expect(last).toContain(new Date(nextSync).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  });
});
