import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, waitForMessagesSynced, waitForRun } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@ops.test';
const KEY = 'ops-key-0123456789';
const CONNECTOR = `query($id: ID!) { connector(id: $id) { id status lastError nextSyncAt syncIntervalMinutes
  lastCheck { ok code message checkedAt } health { state reason } latestRun { id status } } }`;
const CREATE = `mutation($input: CreateGorgiasConnectorInput!) { createGorgiasConnector(input: $input) { id lastCheck { ok } } }`;
const ACTIVATE = `mutation($id: ID!) { activateConnector(id: $id) { id status lastCheck { ok code } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateGorgiasConnectorInput!) { updateGorgiasConnector(id: $id, input: $input) { id lastCheck { ok } } }`;
const CANCEL = `mutation($id: ID!) { cancelSync(connectorId: $id) { id status phase } }`;
const RETRY = `mutation($id: ID!) { retrySyncNow(connectorId: $id) { id status } }`;
const LOGS = `query($id: ID!) { syncLogs(connectorId: $id, first: 50) { nodes { message } } }`;
const QUARANTINE = `query($id: ID!) { syncQuarantine(connectorId: $id) { objectType externalId reason attempts runId lastSeenAt } }`;

/** The API behind the console's actions (issue 26): a kept check result, cancel, retry now, refused records. */
describe('console actions API: lastCheck, cancelSync, retrySyncNow, syncQuarantine', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
    sim.addAccount({ subdomain: 'ops', email: EMAIL, apiKey: KEY, seed: 3, tickets: 60, messagesPerTicket: 3 });
    sim.addAccount({ subdomain: 'ops2', email: EMAIL, apiKey: KEY, seed: 4, tickets: 5 });
    t = await startTestApp({
      // No retries inside a run: a Gorgias error sends the run back to the queue at once (see "retry").
      env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1', GORGIAS_MAX_RETRIES: '0' },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a draft whose Save & Activate failed keeps the check (code, advice, time), is not HEALTHY, and a new key clears it', async () => {
    const admin = t.token(randomTenant('ops'), 'admin');
    const created = await t.gql(CREATE, { input: { email: EMAIL, apiKey: 'wrong-key', subdomain: 'ops' } }, admin);
    const id = created.data.createGorgiasConnector.id;
    expect(created.data.createGorgiasConnector.lastCheck).toBeNull();

    const refused = await t.gql(ACTIVATE, { id }, admin);
    expect(refused.errors[0].extensions).toMatchObject({ code: 'CONNECTION_CHECK_FAILED', checkCode: 'INVALID_CREDENTIALS' });
    const draft = (await t.gql(CONNECTOR, { id }, admin)).data.connector;
    expect(draft.status).toBe('DRAFT');
    expect(draft.lastCheck).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS', message: expect.stringMatching(/revoked/) });
    expect(new Date(draft.lastCheck.checkedAt).getTime()).not.toBeNaN();
    expect(draft.health.state).not.toBe('HEALTHY');
    expect(draft.health.reason).toMatch(/INVALID_CREDENTIALS/);

    // A new key on the draft: the old result no longer applies; Save & Activate then passes and keeps OK.
    const updated = await t.gql(UPDATE, { id, input: { apiKey: KEY } }, admin);
    expect(updated.data.updateGorgiasConnector.lastCheck).toBeNull();
    const activated = await t.gql(ACTIVATE, { id }, admin);
    expect(activated.data.activateConnector).toMatchObject({ status: 'ACTIVE', lastCheck: { ok: true, code: 'OK' } });
    await waitForRun(t, admin, id);
  });

  it('cancelSync ends a running sync as CANCELLED and keeps the connector ACTIVE, due again at the poll cadence (not its interval)', async () => {
    const admin = t.token(randomTenant('ops'), 'admin');
    sim.account('ops').setFaults({ slowMs: 150 });
    try {
      const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'ops' });
      await waitForMessagesSynced(t, admin, id, 1);
      const cancelledAt = Date.now();
      const cancelled = (await t.gql(CANCEL, { id }, admin)).data.cancelSync;
      expect(cancelled).toMatchObject({ status: 'CANCELLED', phase: 'cancelled' });
      const due = new Date((await t.gql(CONNECTOR, { id }, admin)).data.connector.nextSyncAt).getTime();
      const run = await waitForRun(t, admin, id, cancelled.id);
      expect(run.status).toBe('CANCELLED');
      const c = (await t.gql(CONNECTOR, { id }, admin)).data.connector;
      expect(c.status).toBe('ACTIVE');
      // SYNC_POLL_SECONDS (60 by default) is shorter than the 15-minute interval: due again within a poll.
      expect(c.syncIntervalMinutes).toBe(15);
      expect(due).toBeGreaterThan(cancelledAt);
      expect(due).toBeLessThanOrEqual(Date.now() + 60_000);
      expect((await t.gql(LOGS, { id }, admin)).data.syncLogs.nodes.map((l: { message: string }) => l.message)).toContain(
        'Sync cancelled by an operator. Data synced so far is kept; the next poll runs on schedule (in 60 s) or with Sync now.',
      );
      // Nothing left to cancel or to retry.
      expect((await t.gql(CANCEL, { id }, admin)).data.cancelSync).toBeNull();
      expect((await t.gql(RETRY, { id }, admin)).data.retrySyncNow).toBeNull();
    } finally {
      sim.account('ops').setFaults({});
    }
  });

  it('retrySyncNow starts a queued run at once; a reader may not cancel or retry', async () => {
    const tenant = randomTenant('ops');
    const admin = t.token(tenant, 'admin');
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'ops2' });
    await waitForRun(t, admin, id);
    const reader = t.token(tenant, 'reader');
    expect((await t.gql(CANCEL, { id }, reader)).errors[0].extensions.code).toBe('FORBIDDEN');
    expect((await t.gql(RETRY, { id }, reader)).errors[0].extensions.code).toBe('FORBIDDEN');
    const queued = await t.gql(`mutation($id: ID!) { triggerSync(connectorId: $id) { id } }`, { id }, admin);
    const retried = (await t.gql(RETRY, { id }, admin)).data.retrySyncNow;
    // Already claimed by the scheduler, or brought forward now: either way it runs to the end.
    if (retried) expect(retried.id).toBe(queued.data.triggerSync.id);
    expect((await waitForRun(t, admin, id, queued.data.triggerSync.id)).status).toBe('SUCCEEDED');
  });

  it('a run waiting to retry says its attempt and next try (SyncRun.retry); retrySyncNow brings it forward', async () => {
    const admin = t.token(randomTenant('ops'), 'admin');
    const down = sim.addAccount({ subdomain: 'opsdown', email: EMAIL, apiKey: KEY, seed: 7, tickets: 3 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'opsdown' });
    await waitForRun(t, admin, id);
    down.setFaults({ errorRate: 1 }); // Gorgias answers 5xx to everything
    try {
      const queued = (await t.gql(`mutation($id: ID!) { triggerSync(connectorId: $id) { id } }`, { id }, admin)).data.triggerSync;
      const LATEST = `query($id: ID!) { connector(id: $id) { latestRun { id status error retry { attempt nextTryAt } } } }`;
      let run: any;
      for (let i = 0; i < 200 && !run?.retry; i++) {
        run = (await t.gql(LATEST, { id }, admin)).data.connector.latestRun;
        if (!run.retry) await new Promise((r) => setTimeout(r, 100));
      }
      expect(run).toMatchObject({ id: queued.id, status: 'QUEUED', error: expect.any(String) });
      expect(run.retry.attempt).toBeGreaterThanOrEqual(1);
      expect(new Date(run.retry.nextTryAt).getTime()).not.toBeNaN();
      down.setFaults({});
      expect((await t.gql(RETRY, { id }, admin)).data.retrySyncNow).toMatchObject({ id: queued.id });
      expect((await waitForRun(t, admin, id, queued.id)).status).toBe('SUCCEEDED');
      expect((await t.gql(LATEST, { id }, admin)).data.connector.latestRun.retry).toBeNull();
    } finally {
      down.setFaults({});
    }
  });

  it('syncQuarantine lists a refused record with its reason and Gorgias id (readers may read it)', async () => {
    const tenant = randomTenant('ops');
    const admin = t.token(tenant, 'admin');
    sim.addAccount({ subdomain: 'opsbad', email: EMAIL, apiKey: KEY, seed: 6, tickets: 3 });
    const res = await fetch(`${sim.baseUrl}/__control/opsbad/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ subject: 'Bad date', opened_datetime: 'the day before yesterday' }),
    });
    const bad = (await res.json()) as { id: number };
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'opsbad' });
    expect((await waitForRun(t, admin, id)).status).toBe('SUCCEEDED');
    const list = (await t.gql(QUARANTINE, { id }, t.token(tenant, 'reader'))).data.syncQuarantine;
    expect(list).toEqual([
      expect.objectContaining({ objectType: 'ticket', externalId: String(bad.id), reason: expect.any(String), attempts: 1 }),
    ]);
    expect((await t.gql(QUARANTINE, { id }, t.token(randomTenant('other'), 'admin'))).errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
