import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import type { SimAccount } from '../../gorgias-simulator/account';
import { createAndActivate, withDb } from '../../support/sync-helpers';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { freePort, randomTenant, startTestApp, TEST_ENCRYPTION_KEYS, TestApp } from '../../support/test-app';

const EMAIL = 'admin@rotate.test';
const KEY = 'rotate-key-0123456789';
const RETIRED = TEST_ENCRYPTION_KEYS; // t1:...
const CURRENT = `t2:${Buffer.alloc(32, 9).toString('base64')}`;
const REALTIME = `query($id: ID!) { connector(id: $id) { status realtime { mode error } } }`;
const LOGS = `query($id: ID!) { syncLogs(connectorId: $id, first: 50) { nodes { level message } } }`;

/**
 * Webhook secrets follow SECRETS_ENCRYPTION_KEYS like API keys: re-encrypted at start-up and by
 * `npm run secrets:reencrypt`, so dropping a retired key never breaks real-time updates; one that
 * no key decrypts is an error the user sees, with its fix, never a silent stream of 401s.
 */
describe('webhook secrets across encryption-key changes', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  let app: TestApp | undefined;
  let port: number;
  let acct: SimAccount;
  let id: string;
  const tenant = randomTenant('rotate');
  const start = async (keys: string) => {
    await app?.close().catch(() => undefined);
    app = await startTestApp({
      databaseUrl: db.url,
      port, // the webhook URL registered in Gorgias names it
      env: { SECRETS_ENCRYPTION_KEYS: keys, GORGIAS_BASE_URL: sim.baseUrlTemplate, PUBLIC_BASE_URL: `http://127.0.0.1:${port}` },
    });
    return app;
  };
  const admin = () => app!.token(tenant);
  const secretKeyId = async () =>
    (await withDb(db.url, (c) => c.query(`SELECT secret_key_id FROM connector_webhooks WHERE connector_id = $1`, [id]))).rows[0]
      .secret_key_id;
  /** Posts as Gorgias does, with the secret of the integration registered there. */
  const deliver = async () => {
    const [integration] = acct.integrations();
    const res = await fetch(`${app!.url}/webhooks/gorgias/${id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: integration.http.headers.Authorization },
      body: '{"ticket_id":"1"}',
    });
    return res.status;
  };
  const realtime = async () => (await app!.gql(REALTIME, { id }, admin())).data.connector.realtime;
  const errorLines = async () =>
    (await app!.gql(LOGS, { id }, admin())).data.syncLogs.nodes.filter((n: any) => n.level === 'ERROR').map((n: any) => n.message);

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    acct = sim.addAccount({ subdomain: 'rotate', email: EMAIL, apiKey: KEY, seed: 7, tickets: 3 });
    db = await createTestDatabase();
    port = await freePort();
    const t = await start(RETIRED);
    id = await createAndActivate(t, admin(), { email: EMAIL, apiKey: KEY, subdomain: 'rotate' });
    expect(acct.integrations()).toHaveLength(1);
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
    await sim?.close();
  });

  it('re-encrypts the webhook secret at start-up, so Gorgias keeps being heard once the retired key is removed', async () => {
    expect(await secretKeyId()).toBe('t1');
    await start(`${CURRENT},${RETIRED}`);
    expect(await secretKeyId()).toBe('t2');
    await start(CURRENT); // t1 removed from the configuration
    expect(await deliver()).toBe(202);
    expect(await realtime()).toEqual({ mode: 'WEBHOOKS', error: null });
  });

  it('npm run secrets:reencrypt re-encrypts webhook secrets too', async () => {
    await app?.close();
    app = undefined;
    // `legacy` is the current key under another id: the script must read it with that id and store it under t2.
    await withDb(db.url, (c) => c.query(`UPDATE connector_webhooks SET secret_key_id = 'legacy' WHERE connector_id = $1`, [id]));
    const r = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.resolve(__dirname, '../../../scripts/secrets-reencrypt.ts')],
      {
        env: {
          ...process.env,
          NODE_ENV: 'test',
          DATABASE_URL: db.url,
          AUTH_JWT_SECRET: 'x'.repeat(40),
          SECRETS_ENCRYPTION_KEYS: `${CURRENT},legacy:${CURRENT.split(':')[1]}`,
        },
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/re-encrypted 1 webhook secret\(s\) under key "t2"; 0 unreadable/);
    expect(await secretKeyId()).toBe('t2');
  });

  it('a secret no key decrypts is an error with its fix, in realtime and the sync log; re-registering says so too; rotating repairs it', async () => {
    // Its key was dropped before the secret was re-encrypted under a new one.
    await withDb(db.url, (c) => c.query(`UPDATE connector_webhooks SET secret_key_id = 'dropped' WHERE connector_id = $1`, [id]));
    await start(CURRENT);
    const fix =
      /can no longer be decrypted \(secret was encrypted with key "dropped", which is no longer configured\)[\s\S]*rotateWebhookSecret/;
    expect(await deliver()).toBe(401);
    const shown = await realtime();
    expect(shown.mode).toBe('POLLING');
    expect(shown.error).toMatch(fix);
    expect(await errorLines()).toEqual([expect.stringMatching(fix)]);

    // Pause and resume: registration cannot use the secret either, and says so where the user looks.
    await app!.gql(`mutation($id: ID!) { pauseConnector(id: $id) { status } }`, { id }, admin());
    await app!.gql(`mutation($id: ID!) { activateConnector(id: $id) { status } }`, { id }, admin());
    expect(acct.integrations()).toEqual([]);
    expect(await errorLines()).toEqual([expect.stringMatching(fix), expect.stringMatching(fix)]);

    // The fix the message names: a new secret, with our webhook registered again under it.
    const rotated = await app!.gql(`mutation($id: ID!) { rotateWebhookSecret(connectorId: $id) }`, { id }, admin());
    expect(rotated.errors).toBeUndefined();
    expect(acct.integrations()).toHaveLength(1);
    expect(acct.integrations()[0].http.headers.Authorization).toBe(`Bearer ${rotated.data.rotateWebhookSecret}`);
    expect(await deliver()).toBe(202);
    expect(await realtime()).toEqual({ mode: 'WEBHOOKS', error: null });
    expect(await secretKeyId()).toBe('t2');
  });
});
