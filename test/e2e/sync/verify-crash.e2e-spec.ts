import { signToken } from '../../../src/auth/auth.service';
import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';
import { AppProcess, gqlAt, startAppProcess } from '../../support/app-process';
import { eventually } from '../../support/poll';
import { withDb } from '../../support/sync-helpers';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { randomTenant, TEST_JWT_SECRET } from '../../support/test-app';
import { VERIFY, waitForVerification } from '../../support/verify-helpers';

const EMAIL = 'admin@verify-crash.test';
const KEY = 'verify-crash-key-0123456789';
const COUNTS = ['ticketsChecked', 'ticketsMissing', 'ticketsStale', 'ticketsExtra', 'messagesChecked', 'messagesMissing', 'messagesStale'];

/**
 * A verification is a leased run: the built gateway is killed (-9) while one is under way, and another
 * instance takes it over from its last committed page, ending with the counts an uninterrupted one has.
 */
describe('verification survives a kill -9 of its instance', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  const apps: AppProcess[] = [];
  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const a of apps) await a.stop().catch(() => undefined);
    await db?.drop();
    await sim?.close();
  });

  it('kill -9 mid-verification: the next instance resumes from the checkpoint with the same counts', async () => {
    const acct = sim.addAccount({ subdomain: 'vcrash', email: EMAIL, apiKey: KEY, seed: 61, tickets: 400, messages: 2500 });
    const token = signToken({ tenantId: randomTenant('vcrash'), role: 'admin' }, TEST_JWT_SECRET);
    const env = {
      DATABASE_URL: db.url,
      GORGIAS_BASE_URL: sim.baseUrlTemplate,
      SYNC_SCHEDULER_ENABLED: 'true',
      SYNC_TICK_SECONDS: '1',
      SYNC_LEASE_SECONDS: '10',
      VERIFY_EVERY_HOURS: '0',
      VERIFY_BUDGET_SHARE: '1',
    };
    const start = async () => {
      const a = await startAppProcess(env);
      apps.push(a);
      return a;
    };
    const first = await start();
    const gql = (url: string) => (q: string, v: Record<string, unknown>, tok: string) => gqlAt(url, tok, q, v);
    const created = await gqlAt(
      first.url,
      token,
      `mutation($i: CreateGorgiasConnectorInput!) { createGorgiasConnector(input: $i) { id } }`,
      {
        i: { email: EMAIL, apiKey: KEY, subdomain: 'vcrash' },
      },
    );
    const id = created.data.createGorgiasConnector.id;
    await gqlAt(first.url, token, `mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id });
    await eventually(
      () =>
        withDb(
          db.url,
          async (c) => (await c.query(`SELECT status FROM sync_runs WHERE connector_id = $1`, [id])).rows[0]?.status === 'SUCCEEDED',
        ),
      { what: 'the initial sync', timeoutMs: 120_000 },
    );
    // Some damage in both lists, so the counts say something.
    await withDb(db.url, async (c) => {
      await c.query(
        `UPDATE tickets SET subject = 'damaged' WHERE connector_id = $1 AND external_id IN (SELECT external_id FROM tickets WHERE connector_id = $1 ORDER BY external_id LIMIT 3)`,
        [id],
      );
      await c.query(
        `DELETE FROM messages WHERE connector_id = $1 AND external_id IN (SELECT external_id FROM messages WHERE connector_id = $1 ORDER BY external_id DESC LIMIT 4)`,
        [id],
      );
    });
    const reference = await waitForVerification(
      gql(first.url),
      token,
      (await gqlAt(first.url, token, VERIFY, { id, repair: false })).data.verifyConnector.id,
    );
    expect(reference.status).toBe('SUCCEEDED');

    acct.setFaults({ slowMs: 150, slowRate: 1 });
    const started = await gqlAt(first.url, token, VERIFY, { id, repair: true });
    const vid = started.data.verifyConnector.id;
    // Into the messages, with pages of them committed: then killed without warning.
    await eventually(
      () =>
        withDb(db.url, async (c) => {
          const { rows } = await c.query(`SELECT checkpoint->>'stage' AS stage, messages_checked FROM sync_verifications WHERE id = $1`, [
            vid,
          ]);
          return rows[0]?.stage === 'messages' && rows[0].messages_checked >= 500;
        }),
      { what: 'the verification to be into its messages', timeoutMs: 120_000 },
    );
    await first.kill9();
    const stranded = await withDb(
      db.url,
      async (c) => (await c.query(`SELECT status, messages_checked FROM sync_verifications WHERE id = $1`, [vid])).rows[0],
    );
    expect(stranded.status).toBe('RUNNING');
    expect(stranded.messages_checked).toBeLessThan(reference.messagesChecked);

    const second = await start();
    acct.setFaults({});
    const done = await waitForVerification(gql(second.url), token, vid);
    expect(done.status).toBe('SUCCEEDED');
    for (const k of COUNTS) expect([k, done[k]]).toEqual([k, reference[k]]);
    expect(done.repaired).toBe(3 + 4);
    const { attempts } = await withDb(
      db.url,
      async (c) => (await c.query(`SELECT attempts FROM sync_verifications WHERE id = $1`, [vid])).rows[0],
    );
    expect(attempts).toBe(2);
    // At most the page in flight at the kill is read again.
    expect(done.apiRequests).toBeGreaterThanOrEqual(reference.apiRequests);
    expect(done.apiRequests).toBeLessThanOrEqual(reference.apiRequests + 1);
  });
});
