import { MAX_CLAIM_ATTEMPTS } from '../../../src/sync/sync.constants';
import { SyncScheduler } from '../../../src/sync/scheduling/sync-scheduler';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, waitForRun, withDb } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@claims.test';
const KEY = 'claims-secret-key-0099';

/** A run whose instance keeps dying before it can report is not claimed forever. */
describe('claiming runs whose lease keeps expiring', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('claims');
  let id: string;
  const runOf = (runId: string) =>
    withDb(
      t.databaseUrl,
      async (c) => (await c.query(`SELECT status, error_code, error, attempts, lease_owner FROM sync_runs WHERE id = $1`, [runId])).rows[0],
    );

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    sim.addAccount({ subdomain: 'claims', email: EMAIL, apiKey: KEY, seed: 9, tickets: 5 });
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate } });
    id = await createAndActivate(t, t.token(tenant), { email: EMAIL, apiKey: KEY, subdomain: 'claims' });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it(`fails a run abandoned ${MAX_CLAIM_ATTEMPTS} times, telling the connector why, and still resumes one abandoned fewer times`, async () => {
    // The queued initial run, as if MAX_CLAIM_ATTEMPTS instances had claimed it and died.
    const [run] = await withDb(
      t.databaseUrl,
      async (c) =>
        (
          await c.query(
            `UPDATE sync_runs SET status = 'RUNNING', lease_owner = 'dead-instance', lease_expires_at = now() - interval '1 second', attempts = $2
          WHERE connector_id = $1 RETURNING id`,
            [id, MAX_CLAIM_ATTEMPTS],
          )
        ).rows,
    );
    const scheduler = t.app.get(SyncScheduler);
    await scheduler.tick();
    expect(await runOf(run.id)).toMatchObject({
      status: 'FAILED',
      error_code: 'ABANDONED',
      lease_owner: null,
      attempts: MAX_CLAIM_ATTEMPTS,
    });
    const c = await t.gql(`query($id: ID!) { connector(id: $id) { status lastError nextSyncAt } }`, { id }, t.token(tenant));
    expect(c.data.connector.lastError).toMatch(/stopped several times without finishing/);
    expect(c.data.connector.status).toBe('ACTIVE');

    // One abandoned fewer times is taken over and finishes.
    const [again] = await withDb(
      t.databaseUrl,
      async (db) =>
        (
          await db.query(
            `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger, status, lease_owner, lease_expires_at, attempts)
         VALUES ($1, $2, 'INCREMENTAL', 'MANUAL', 'RUNNING', 'dead-instance', now() - interval '1 second', $3) RETURNING id`,
            [tenant, id, MAX_CLAIM_ATTEMPTS - 1],
          )
        ).rows,
    );
    await scheduler.tick();
    const finished = await waitForRun(t, t.token(tenant), id, again.id);
    expect(finished.status).toBe('SUCCEEDED');
    expect((await runOf(again.id)).attempts).toBe(MAX_CLAIM_ATTEMPTS);
  });
});
