import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { createAndActivate, TRIGGER, waitForRun } from '../../support/sync-helpers';
import { wsClient } from '../../support/ws-client';

const EMAIL = 'admin@acme.test';
const KEY = 'feed-key-0123456789';

const PAGE = `query($c: ID, $after: String) {
  ticketChanges(connectorId: $c, after: $after, first: 100) {
    pageInfo { hasNextPage endCursor } nodes { cursor ticket { externalId status messagesCount trashedAt deletedAt customer { email } messages(last: 1) { nodes { bodyText } } } }
  }
}`;
const SUB = `subscription($c: ID, $after: String) { ticketChanges(connectorId: $c, after: $after) { cursor ticket { externalId status } } }`;

/**
 * The change feed fed by real syncs: an initial sync puts every ticket in the feed once; a later
 * change in Gorgias (fields, a new message, trash, delete) appears once per ticket after a sync;
 * syncing unchanged data again (incremental or FULL) adds nothing.
 */
describe('change feed fed by syncs against the Gorgias simulator', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  let reader: string;
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' } });
    const tenant = randomTenant('feedsync');
    admin = t.token(tenant, 'admin');
    reader = t.token(tenant, 'reader');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  async function readFeed(connectorId: string, after: string | null) {
    const nodes: any[] = [];
    for (;;) {
      const res = await t.gql(PAGE, { c: connectorId, after }, reader);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      nodes.push(...res.data.ticketChanges.nodes);
      after = res.data.ticketChanges.pageInfo.endCursor ?? after;
      if (!res.data.ticketChanges.pageInfo.hasNextPage) return { nodes, end: after };
    }
  }

  async function sync(connectorId: string, mode: 'INCREMENTAL' | 'FULL' = 'INCREMENTAL') {
    const triggered = await t.gql(TRIGGER, { id: connectorId, mode }, admin);
    if (triggered.errors) throw new Error(JSON.stringify(triggered.errors));
    const run = await waitForRun(t, admin, connectorId, triggered.data.triggerSync.id);
    expect(run.status).toBe('SUCCEEDED');
  }

  it('has every synced ticket once, each later change once, and nothing for a re-sync of unchanged data', async () => {
    // The simulator's worst cases: trash leaves updated_datetime alone, trashed tickets' messages leave the lists.
    const acct = sim.addAccount({ subdomain: 'feedsync', email: EMAIL, apiKey: KEY, seed: 21, tickets: 150 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'feedsync' });
    await waitForRun(t, admin, id);
    const snapshot = acct.snapshot();

    const initial = await readFeed(id, null);
    const ids = initial.nodes.map((n) => n.ticket.externalId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(snapshot.tickets.map((tk) => String(tk.id)).sort());

    // Unchanged data synced again, incrementally and in full: no change.
    await sync(id);
    await sync(id, 'FULL');
    expect((await readFeed(id, initial.end)).nodes).toEqual([]);

    // One change of each kind in Gorgias, then a sync.
    const [closed, replied, trashed, deleted] = snapshot.tickets.slice(-4).map((tk) => tk.id);
    acct.updateTicket(closed, { status: 'closed' });
    acct.addMessage(replied, { body_text: 'a late reply' });
    acct.trashTicket(trashed);
    acct.deleteTicket(deleted);
    // A subscriber follows live from the same cursor while the sync runs.
    const ws = wsClient(t.url, `Bearer ${reader}`);
    const live: any[] = [];
    const liveErrors: unknown[] = [];
    const stop = ws.subscribe(
      { query: SUB, variables: { c: id, after: initial.end } },
      {
        next: (v: any) => (v.errors ? liveErrors.push(...v.errors) : live.push(v.data.ticketChanges)),
        error: (e) => liveErrors.push(e),
        complete: () => undefined,
      },
    );
    await sync(id);
    const changed = await readFeed(id, initial.end);
    const byId = new Map(changed.nodes.map((n) => [n.ticket.externalId, n.ticket]));
    expect(changed.nodes).toHaveLength(4);
    expect([...byId.keys()].sort()).toEqual([closed, replied, trashed, deleted].map(String).sort());
    expect(byId.get(String(closed)).status).toBe('closed');
    // A node is a whole ticket: its customer and conversation resolve as anywhere else in the API.
    expect(byId.get(String(replied)).messages.nodes[0].bodyText).toBe('a late reply');
    expect(byId.get(String(closed)).customer.email).toEqual(expect.any(String));
    expect(byId.get(String(trashed)).trashedAt).not.toBeNull();
    expect(byId.get(String(deleted)).deletedAt).not.toBeNull();
    // The subscriber got the same final state: a ticket written by two pages of the run (its message,
    // then the ticket) may have reached it at both positions, in feed order, the last being the query's.
    const last = changed.nodes[changed.nodes.length - 1].cursor;
    const deadline = Date.now() + 15_000;
    while (!live.some((e) => e.cursor === last) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    stop();
    await ws.dispose();
    expect(liveErrors).toEqual([]);
    const latest = new Map(live.map((e) => [e.ticket.externalId, e.cursor]));
    expect([...latest.values()].sort()).toEqual(changed.nodes.map((n) => n.cursor).sort());
    expect(live.map((e) => e.cursor)).toEqual([...new Set(live.map((e) => e.cursor))]);

    // And a sync with nothing new adds nothing.
    await sync(id);
    expect((await readFeed(id, changed.end)).nodes).toEqual([]);

    // The other kinds of change: a restore, a merge (messages move), a message deleted, a message changed.
    const live2 = acct.snapshot();
    const byTicket = (tk: number) => live2.messages.filter((m) => m.ticket_id === tk);
    const candidates = live2.tickets
      .map((tk) => tk.id)
      .filter((tk) => ![closed, replied, trashed, deleted].includes(tk) && byTicket(tk).length >= 2);
    const [mergeSource, mergeTarget, lostMessage, editedMessage] = candidates.slice(0, 4);
    acct.restoreTicket(trashed);
    acct.mergeTickets(mergeSource, mergeTarget);
    acct.deleteMessage(lostMessage, byTicket(lostMessage)[0].id);
    acct.updateMessage(editedMessage, byTicket(editedMessage)[0].id, { failed_datetime: 'now' });
    await sync(id);
    const more = await readFeed(id, changed.end);
    const moreIds = more.nodes.map((n) => n.ticket.externalId);
    expect(moreIds.sort()).toEqual([trashed, mergeSource, mergeTarget, lostMessage, editedMessage].map(String).sort());
    expect(more.nodes.find((n) => n.ticket.externalId === String(trashed)).ticket.trashedAt).toBeNull();
    await sync(id);
    expect((await readFeed(id, more.end)).nodes).toEqual([]);
  });
});
