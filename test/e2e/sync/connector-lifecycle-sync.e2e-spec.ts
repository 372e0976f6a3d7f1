import { signToken } from '../../../src/auth/auth.service';
import { GorgiasSimulator } from '../../gorgias-simulator';
import { AppProcess, gqlAt, startSyncingAppProcess } from '../../support/app-process';
import { withDb } from '../../support/sync-helpers';
import { randomTenant, TEST_JWT_SECRET } from '../../support/test-app';
import { eventually } from '../../support/poll';

const EMAIL = 'admin@lifecycle.test';
const KEY = 'lifecycle-key-0123456789';

/** The shared poller with this spec's wording and deadline. */
const waitFor = <T>(what: string, fn: () => Promise<T>) => eventually(fn, { what, timeoutMs: 90_000 });

/** Lines the process logged at ERROR (pino level 50 and above). */
const errorLines = (out: string) => out.split('\n').filter((l) => /"level":(5\d|60)/.test(l));

/**
 * What happens to a running sync when its connector changes under it, against a real gateway process
 * (its log is what an operator reads).
 */
describe('a connector changing under its sync', () => {
  let sim: GorgiasSimulator;
  let app: AppProcess;
  let dbUrl: string;
  let stop: () => Promise<void>;
  const tenant = randomTenant('lifecycle');
  const token = signToken({ tenantId: tenant, role: 'admin' }, TEST_JWT_SECRET);
  const gql = (q: string, v?: Record<string, unknown>) => gqlAt(app.url, token, q, v);
  const create = async (subdomain: string) => {
    const created = await gql(`mutation($i: CreateGorgiasConnectorInput!) { createGorgiasConnector(input: $i) { id } }`, {
      i: { email: EMAIL, apiKey: KEY, subdomain },
    });
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    return created.data.createGorgiasConnector.id as string;
  };
  const activate = (id: string) => gql(`mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id });

  beforeAll(async () => {
    ({ sim, app, databaseUrl: dbUrl, stop } = await startSyncingAppProcess());
  });
  afterAll(() => stop?.());

  it('deleting a connector while it syncs stops the run at its next page, quietly', async () => {
    const acct = sim.addAccount({ subdomain: 'deleted', email: EMAIL, apiKey: KEY, seed: 21, tickets: 400 });
    acct.setFaults({ slowMs: 150, slowRate: 1 });
    const id = await create('deleted');
    await activate(id);
    await waitFor('the sync to be under way', () =>
      withDb(
        dbUrl,
        async (c) => (await c.query(`SELECT messages_synced FROM sync_runs WHERE connector_id = $1`, [id])).rows[0]?.messages_synced >= 100,
      ),
    );
    const before = app.output().length;
    const deleted = await gql(`mutation($id: ID!) { deleteConnector(id: $id) }`, { id });
    expect(deleted.data.deleteConnector).toBe(true);
    await waitFor('the run to stop', async () => /its connector was deleted, stopping/.test(app.output().slice(before)));
    const requestsAtStop = acct.stats().requests;
    await new Promise((r) => setTimeout(r, 1500)); // a page or two later: nothing more is read or written
    expect(acct.stats().requests).toBeLessThanOrEqual(requestsAtStop + 1); // at most the prefetched page
    const left = await withDb(
      dbUrl,
      async (c) =>
        (
          await c.query(
            `SELECT (SELECT count(*)::int FROM tickets WHERE connector_id = $1) + (SELECT count(*)::int FROM messages WHERE connector_id = $1) AS n`,
            [id],
          )
        ).rows[0].n,
    );
    expect(left).toBe(0);
    const after = app.output().slice(before);
    expect(errorLines(after)).toEqual([]);
    expect(after).not.toMatch(/foreign key/i);
  });
});
