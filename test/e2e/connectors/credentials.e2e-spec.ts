import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { SyncScheduler } from '../../../src/sync/scheduling/sync-scheduler';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, CREATE_CONNECTOR, waitForRun, withDb } from '../../support/sync-helpers';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { randomTenant, startTestApp, TEST_ENCRYPTION_KEYS, TestApp } from '../../support/test-app';

const EMAIL = 'admin@creds.test';
const KEY = 'creds-secret-key-1234';
const RETIRED = TEST_ENCRYPTION_KEYS; // t1:...
const CURRENT = `t2:${Buffer.alloc(32, 9).toString('base64')}`;
const UNRELATED = `t3:${Buffer.alloc(32, 3).toString('base64')}`;

const keyIds = (url: string) =>
  withDb(url, async (db) =>
    (await db.query(`SELECT id, api_key_key_id FROM connectors ORDER BY created_at`)).rows.map((r) => r.api_key_key_id),
  );

/**
 * Encryption keys rotate: keys under a retired key id are re-encrypted at start-up (or with
 * `npm run secrets:reencrypt`); a key no configured key can read asks the user for the API key
 * again, and saving a new one never needs the old one.
 */
describe('stored API keys across encryption-key changes', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  let app: TestApp | undefined;
  const tenant = randomTenant('creds');
  let syncing: string;
  let draft: string;
  const start = async (keys: string) => {
    await app?.close().catch(() => undefined);
    app = await startTestApp({
      databaseUrl: db.url,
      env: { SECRETS_ENCRYPTION_KEYS: keys, GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' },
    });
    return app;
  };
  const admin = () => app!.token(tenant);

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    sim.addAccount({ subdomain: 'creds', email: EMAIL, apiKey: KEY, seed: 5, tickets: 5 });
    db = await createTestDatabase();
    const t = await start(RETIRED);
    syncing = await createAndActivate(t, admin(), { email: EMAIL, apiKey: KEY, subdomain: 'creds' });
    await waitForRun(t, admin(), syncing);
    draft = (await t.gql(CREATE_CONNECTOR, { input: { email: EMAIL, apiKey: 'another-key-5678', subdomain: 'creds-two' } }, admin())).data
      .createGorgiasConnector.id;
  });
  afterAll(async () => {
    await app?.close();
    // `app` shares `db`: drop it last.
    await db?.drop();
    await sim?.close();
  });

  it('re-encrypts keys under a retired key id at start-up, so the retired key can be dropped', async () => {
    expect(await keyIds(db.url)).toEqual(['t1', 't1']);
    await start(`${CURRENT},${RETIRED}`);
    expect(await keyIds(db.url)).toEqual(['t2', 't2']);
    const t = await start(CURRENT); // t1 removed from the configuration
    const check = await t.gql(`mutation($id: ID!) { testConnectorConnection(id: $id) { ok code } }`, { id: syncing }, admin());
    expect(check.data.testConnectorConnection).toEqual({ ok: true, code: 'OK' });
  });

  it('npm run secrets:reencrypt does the same without starting the gateway', async () => {
    await app?.close();
    app = undefined;
    await withDb(db.url, (c) => c.query(`UPDATE connectors SET api_key_key_id = 'legacy' WHERE id = $1`, [draft]));
    // `legacy` is the current key under another id: the script must read it with that id and store it under t2.
    const legacy = `legacy:${CURRENT.split(':')[1]}`;
    const r = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.resolve(__dirname, '../../../scripts/secrets-reencrypt.ts')],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: db.url,
          AUTH_JWT_SECRET: 'x'.repeat(40),
          SECRETS_ENCRYPTION_KEYS: `${CURRENT},${legacy}`,
        },
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/re-encrypted 1 API key\(s\) under key "t2"; 0 unreadable/);
    expect(await keyIds(db.url)).toEqual(['t2', 't2']);
  });

  it('a key no configured key can read puts the connector in ERROR asking for the key; a new key is saved without the old one', async () => {
    const t = await start(UNRELATED); // neither t1 nor t2: the stored keys are unreadable here
    // A run that was queued before: claimed, it ends FAILED with the advice instead of being claimed forever.
    const [queued] = await withDb(
      db.url,
      async (c) =>
        (
          await c.query(
            `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger) VALUES ($1, $2, 'INCREMENTAL', 'MANUAL') RETURNING id`,
            [tenant, syncing],
          )
        ).rows,
    );
    await t.app.get(SyncScheduler).tick();
    const deadline = Date.now() + 10_000;
    let run: any;
    while (Date.now() < deadline) {
      run = await withDb(
        db.url,
        async (c) => (await c.query(`SELECT status, error_code, error, attempts FROM sync_runs WHERE id = $1`, [queued.id])).rows[0],
      );
      if (run.status !== 'RUNNING' && run.status !== 'QUEUED') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(run).toMatchObject({ status: 'FAILED', error_code: 'CREDENTIALS_UNREADABLE', attempts: 1 });
    expect(run.error).toMatch(/Re-enter the API key/);
    const c = await t.gql(`query($id: ID!) { connector(id: $id) { status lastError } }`, { id: syncing }, admin());
    expect(c.data.connector.status).toBe('ERROR');
    expect(c.data.connector.lastError).toMatch(/can no longer be read[\s\S]*Re-enter the API key/);
    const check = await t.gql(`mutation($id: ID!) { testConnectorConnection(id: $id) { ok code message } }`, { id: syncing }, admin());
    expect(check.data.testConnectorConnection).toMatchObject({ ok: false, code: 'CREDENTIALS_UNREADABLE' });
    const activate = await t.gql(`mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id: draft }, admin());
    expect(activate.errors[0].extensions).toMatchObject({ code: 'CONNECTION_CHECK_FAILED', checkCode: 'CREDENTIALS_UNREADABLE' });

    const updated = await t.gql(
      `mutation($id: ID!, $i: UpdateGorgiasConnectorInput!) { updateGorgiasConnector(id: $id, input: $i) { status lastError } }`,
      { id: syncing, i: { apiKey: KEY } },
      admin(),
    );
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateGorgiasConnector).toEqual({ status: 'ACTIVE', lastError: null });
    expect(await keyIds(db.url)).toEqual(['t3', 't2']);
    const resumed = await waitForRun(t, admin(), syncing);
    expect(resumed.status).toBe('SUCCEEDED');
  });
});
