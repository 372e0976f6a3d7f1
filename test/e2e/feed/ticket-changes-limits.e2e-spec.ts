import { randomUUID } from 'node:crypto';
import { Client as WsClient } from 'graphql-ws';
import { DataSource } from 'typeorm';
import { TicketChangeHub } from '../../../src/tickets/changes/ticket-change.hub';
import { seedConnector, sleep } from '../../support/feed-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { wsClient } from '../../support/ws-client';

const SUB = `subscription($c: ID) { ticketChanges(connectorId: $c) { cursor } }`;

/**
 * Security review L-1: feed subscriptions are capped per tenant (on this instance, across all the
 * tenant's sockets) and per socket, both from the environment, and the refusal names the limit and the fix.
 */
describe('ticketChanges subscription limits', () => {
  let t: TestApp;
  const tenant = randomTenant('capped');
  const other = randomTenant('uncapped');
  const connectorA = randomUUID();
  const connectorB = randomUUID();
  const clients: WsClient[] = [];

  beforeAll(async () => {
    t = await startTestApp({ env: { FEED_MAX_SUBSCRIPTIONS_PER_TENANT: '3', WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2' } });
    const ds = t.app.get(DataSource);
    await seedConnector(ds, connectorA, tenant);
    await seedConnector(ds, connectorB, tenant);
  });
  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await t?.close();
  });

  const hub = () => t.app.get(TicketChangeHub);
  const socket = (tenantId: string) => {
    const c = wsClient(t.url, `Bearer ${t.token(tenantId, 'reader')}`);
    clients.push(c);
    return c;
  };
  /**
   * Subscribes and keeps the subscription open; `errors` collects a refusal (graphql-ws hands one made
   * at subscribe time to `error` as an array, a resolver's to `next`). Never disposed from inside a
   * callback: the lazy client would count the release twice and close a socket others still use.
   */
  const hold = (c: WsClient, variables: Record<string, unknown>) => {
    const errors: any[] = [];
    const dispose = c.subscribe(
      { query: SUB, variables },
      { next: (v) => errors.push(...(v.errors ?? [])), error: (e) => errors.push(...[e].flat()), complete: () => undefined },
    );
    return { dispose, errors };
  };
  async function waitFor(ok: () => boolean): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error('condition not reached in time');
      await sleep(20);
    }
  }

  it("refuses the tenant's subscription past FEED_MAX_SUBSCRIPTIONS_PER_TENANT across its sockets, not another tenant's, and frees the slot on complete", async () => {
    const first = socket(tenant);
    const held = [hold(first, { c: connectorA }), hold(first, { c: connectorB }), hold(socket(tenant), {})];
    await waitFor(() => hub().openStreams(tenant) === 3);
    const refused = hold(socket(tenant), { c: connectorA });
    await waitFor(() => refused.errors.length > 0);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatchObject({
      message: expect.stringMatching(
        /^At most 3 ticketChanges subscriptions per tenant are open at once \(FEED_MAX_SUBSCRIPTIONS_PER_TENANT\)\. Complete subscriptions you no longer read/,
      ),
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'FEED_MAX_SUBSCRIPTIONS_PER_TENANT', max: 3 },
    });
    expect(hub().openStreams(tenant)).toBe(3);

    // Another tenant is not affected by this one's streams.
    const theirs = hold(socket(other), {});
    await waitFor(() => hub().openStreams(other) === 1);

    // Completing one frees its slot at once; the others stayed open throughout.
    held[0].dispose();
    await waitFor(() => hub().openStreams(tenant) === 2);
    const again = hold(socket(tenant), {});
    await waitFor(() => hub().openStreams(tenant) === 3);
    expect([...held, again, theirs].flatMap((h) => h.errors)).toEqual([]);
    for (const h of [...held, again, theirs, refused]) h.dispose();
    await waitFor(() => hub().openStreams(tenant) === 0 && hub().openStreams(other) === 0);
    expect(hub().pollCount).toBe(0);
  });

  it('refuses a subscription past WS_MAX_SUBSCRIPTIONS_PER_SOCKET on that socket, naming the limit', async () => {
    const one = socket(other);
    const held = [hold(one, {}), hold(one, {})];
    await waitFor(() => hub().openStreams(other) === 2);
    const refused = hold(one, {});
    await waitFor(() => refused.errors.length > 0);
    expect(refused.errors[0]).toMatchObject({
      message: expect.stringMatching(/^At most 2 subscriptions per socket \(WS_MAX_SUBSCRIPTIONS_PER_SOCKET\); complete one/),
      extensions: { code: 'LIMIT_EXCEEDED', limit: 'WS_MAX_SUBSCRIPTIONS_PER_SOCKET', max: 2 },
    });
    expect(hub().openStreams(other)).toBe(2);
    for (const h of [...held, refused]) h.dispose();
    await waitFor(() => hub().openStreams(other) === 0);
  });
});
