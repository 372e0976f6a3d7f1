import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, waitForRun } from '../../support/sync-helpers';
import { freePort, randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@acme.test';
const KEY = 'feed-hook-key-0123456789';
const PAGE = `query($c: ID, $after: String) {
  ticketChanges(connectorId: $c, after: $after, first: 100) { pageInfo { hasNextPage endCursor } nodes { cursor ticket { externalId status } } }
}`;

/** A change Gorgias announces by webhook (delivered twice) reaches the feed once, through the REFRESH run it starts. */
describe('change feed fed by webhooks', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    const port = await freePort();
    t = await startTestApp({
      port,
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SYNC_SCHEDULER_ENABLED: 'true',
        SYNC_TICK_SECONDS: '1',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('puts a ticket changed in Gorgias in the feed once, however many times its webhook arrives', async () => {
    const tenant = randomTenant('feedhook');
    const admin = t.token(tenant, 'admin');
    const acct = sim.addAccount({ subdomain: 'feedhook', email: EMAIL, apiKey: KEY, seed: 31, tickets: 40 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'feedhook' });
    await waitForRun(t, admin, id);
    const read = async (after: string | null) => {
      const res = await t.gql(PAGE, { c: id, after }, t.token(tenant, 'reader'));
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      return res.data.ticketChanges;
    };
    let start: string | null = null;
    for (let page = await read(null); ; page = await read(start)) {
      start = page.pageInfo.endCursor ?? start;
      if (!page.pageInfo.hasNextPage) break;
    }

    acct.setWebhookDelivery({ duplicateRate: 1 });
    const target = acct.snapshot().tickets[5].id;
    acct.updateTicket(target, { status: 'closed' });
    const deadline = Date.now() + 30_000;
    let nodes: any[] = [];
    while (!nodes.length && Date.now() < deadline) {
      nodes = (await read(start)).nodes;
      if (!nodes.length) await new Promise((r) => setTimeout(r, 100));
    }
    expect(nodes.map((n) => n.ticket)).toEqual([{ externalId: String(target), status: 'closed' }]);
    // The duplicate delivery (and any refresh it starts) re-reads the same version: no second entry.
    await acct.webhooksIdle();
    // Then the latest run (the REFRESH the deliveries started) has ended.
    await waitForRun(t, admin, id);
    expect((await read(start)).nodes.map((n: any) => n.cursor)).toEqual(nodes.map((n) => n.cursor));
  });
});
