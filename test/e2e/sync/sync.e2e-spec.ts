import { SyncHistoryPruner } from '../../../src/sync/scheduling/sync-history.pruner';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { collect, wsClient } from '../../support/ws-client';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import {
  createAndActivate,
  diffAgainstGorgias,
  RUNS,
  storedData,
  TRIGGER,
  waitForMessagesSynced,
  waitForRun,
  withDb,
} from '../../support/sync-helpers';

const EMAIL = 'admin@acme.test';
const KEY = 'sync-key-0123456789';

/** The simulator's clock runs this much faster than real time (rate-limit window 20 s -> 1 s). */
const CLOCK_SCALE = 20;

describe('SyncModule: initial, incremental and FULL sync against the Gorgias simulator', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('sync');
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: CLOCK_SCALE });
    t = await startTestApp({
      env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' },
    });
    admin = t.token(tenant, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('initial sync stores exactly what Gorgias has, with about the minimum number of API calls', async () => {
    const acct = sim.addAccount({ subdomain: 'initial', email: EMAIL, apiKey: KEY, seed: 11, tickets: 250 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'initial' });
    const run = await waitForRun(t, admin, id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', mode: 'INCREMENTAL', error: null, percent: 100 });
    const snap = acct.snapshot();
    expect(diffAgainstGorgias(snap, await storedData(t.databaseUrl, id))).toEqual([]);
    expect(run.ticketsSynced).toBe(snap.tickets.length);
    expect(run.messagesSynced).toBe(snap.messages.length);
    // Lower bound: one call per 100 tickets and per 100 messages; a few more for the estimate and the checks,
    // and one per trashed ticket (Gorgias leaves their messages out of /api/messages: each is read with its ticket).
    const trashed = snap.tickets.filter((x: any) => x.trashed_datetime).length;
    expect(trashed).toBeGreaterThan(0);
    // Issue 24: and one call per page of the small lists (users, teams, tags, surveys, custom fields).
    const listPages = acct.stats().data.coverage.listPages;
    const lowerBound = Math.ceil(snap.tickets.length / 100) + Math.ceil(snap.messages.length / 100) + listPages;
    expect(run.apiRequests).toBeGreaterThanOrEqual(lowerBound + trashed);
    expect(run.apiRequests).toBeLessThanOrEqual(lowerBound + trashed + 6);

    const logs = await t.gql(`query($id: ID!) { syncLogs(connectorId: $id, first: 50) { nodes { level message } } }`, { id }, admin);
    const lines = logs.data.syncLogs.nodes.map((n: any) => n.message).join('\n');
    expect(lines).toMatch(/Sync succeeded: 250 tickets/);
    expect(lines).toMatch(new RegExp(`Read ${trashed} tickets in the Gorgias trash one by one`));
    const connector = await t.gql(
      `query($id: ID!) { connector(id: $id) { status lastSyncedAt nextSyncAt lastError ticketCount messageCount } }`,
      { id },
      admin,
    );
    expect(connector.data.connector).toMatchObject({
      status: 'ACTIVE',
      lastError: null,
      ticketCount: 250,
      messageCount: snap.messages.length,
    });
    expect(connector.data.connector.lastSyncedAt).not.toBeNull();
  });

  it('an incremental run picks up new tickets, new messages on old tickets, closes, trash and deletions', async () => {
    const acct = sim.addAccount({ subdomain: 'changes', email: EMAIL, apiKey: KEY, seed: 12, tickets: 120 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'changes' });
    await waitForRun(t, admin, id);
    const before = acct.snapshot();
    const old = before.tickets.slice(-10); // oldest tickets
    const created = acct.createTicket({ subject: 'Brand new ticket ✨' });
    acct.addMessage(created.id, { body_text: 'first message of a new ticket' });
    acct.addMessage(old[0].id, { body_text: 'a late reply on an old ticket' });
    acct.updateTicket(old[1].id, { status: 'closed' });
    acct.trashTicket(old[2].id);
    acct.deleteTicket(old[3].id);

    const triggered = (await t.gql(TRIGGER, { id }, admin)).data.triggerSync;
    const run = await waitForRun(t, admin, id, triggered.id);
    expect(run.status).toBe('SUCCEEDED');
    const after = acct.snapshot();
    expect(diffAgainstGorgias({ ...after, deletedTicketIds: [old[3].id] }, await storedData(t.databaseUrl, id))).toEqual([]);
    expect(run.ticketsDeleted).toBe(1);
    // Incremental: far fewer calls than the initial sync.
    expect(run.apiRequests).toBeLessThan(12);

    const deleted = await t.gql(
      `query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) { deletedAt } }`,
      { c: id, e: String(old[3].id) },
      admin,
    );
    expect(deleted.data.ticketByExternalId.deletedAt).not.toBeNull();
  });

  it('reads deletions even where Gorgias refuses the event filters (falls back to a newest-first walk)', async () => {
    const acct = sim.addAccount({ subdomain: 'nofilter', email: EMAIL, apiKey: KEY, seed: 20, tickets: 40, eventFilters: false });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'nofilter' });
    await waitForRun(t, admin, id);
    const victim = acct.snapshot().tickets[3];
    acct.deleteTicket(victim.id);
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', ticketsDeleted: 1 });
    expect(diffAgainstGorgias({ ...acct.snapshot(), deletedTicketIds: [victim.id] }, await storedData(t.databaseUrl, id))).toEqual([]);
    const logs = await t.gql(`query($id: ID!) { syncLogs(connectorId: $id, level: WARN, first: 20) { nodes { message } } }`, { id }, admin);
    expect(logs.data.syncLogs.nodes.map((n: any) => n.message).join('\n')).toMatch(/refused the filtered events list/);
  });

  it('a second trigger while a run is active returns the same run', async () => {
    sim.addAccount({ subdomain: 'twice', email: EMAIL, apiKey: KEY, seed: 13, tickets: 300 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'twice' });
    const a = (await t.gql(TRIGGER, { id }, admin)).data.triggerSync;
    const b = (await t.gql(TRIGGER, { id }, admin)).data.triggerSync;
    expect(b.id).toBe(a.id);
    await waitForRun(t, admin, id, a.id);
  });

  it('is exact with 10% injected faults (5xx, cut connections, truncated bodies)', async () => {
    const acct = sim.addAccount({ subdomain: 'faulty', email: EMAIL, apiKey: KEY, seed: 14, tickets: 200 });
    acct.setFaults({ errorRate: 0.04, cutRate: 0.03, truncateRate: 0.03, seed: 5 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'faulty' });
    const run = await waitForRun(t, admin, id, undefined, 180_000);
    expect(run.status).toBe('SUCCEEDED');
    acct.setFaults({});
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);
  });

  it('FULL re-reads everything and marks tickets that vanished', async () => {
    const acct = sim.addAccount({ subdomain: 'full', email: EMAIL, apiKey: KEY, seed: 15, tickets: 60 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'full' });
    await waitForRun(t, admin, id);
    // A ticket that vanished without an event we could read (e.g. an old deletion): only FULL finds it.
    const victim = acct.snapshot().tickets[5];
    acct.deleteTicket(victim.id, { recordEvent: false });
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id, mode: 'FULL' }, admin)).data.triggerSync.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', mode: 'FULL', ticketsDeleted: 1 });
    expect(diffAgainstGorgias({ ...acct.snapshot(), deletedTicketIds: [victim.id] }, await storedData(t.databaseUrl, id))).toEqual([]);
  });

  it('re-reads a ticket whose stored messages differ from its count, and says so in the log', async () => {
    const acct = sim.addAccount({ subdomain: 'recon', email: EMAIL, apiKey: KEY, seed: 16, tickets: 30 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'recon' });
    await waitForRun(t, admin, id);
    // An old ticket: its messages are outside the incremental overlap window, so only reconciliation can restore them.
    const victim = [...acct.snapshot().tickets].reverse().find((x: any) => x.messages_count >= 2)!;
    await withDb(t.databaseUrl, (db) =>
      db.query(`DELETE FROM messages WHERE connector_id = $1 AND ticket_external_id = $2`, [id, victim.id]),
    );
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);
    const logs = await t.gql(`query($id: ID!) { syncLogs(connectorId: $id, level: WARN, first: 20) { nodes { message } } }`, { id }, admin);
    expect(logs.data.syncLogs.nodes.map((n: any) => n.message).join('\n')).toMatch(
      new RegExp(`Ticket ${victim.id}: Gorgias reports ${victim.messages_count} messages but 0 were stored; re-read it`),
    );
  });

  it('a message deleted in Gorgias (its ticket unmoved) is found through its event and marked deleted here', async () => {
    const acct = sim.addAccount({ subdomain: 'msgdel', email: EMAIL, apiKey: KEY, seed: 21, tickets: 30 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'msgdel' });
    await waitForRun(t, admin, id);
    const ticket = [...acct.snapshot().tickets].reverse().find((x: any) => x.messages_count >= 3)!;
    // Its first message: the ticket's description must move on to the next one.
    const conversation = acct
      .snapshot()
      .messages.filter((m: any) => m.ticket_id === ticket.id)
      .reverse();
    const victim = conversation[0];
    acct.deleteMessage(ticket.id, victim.id);
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run.status).toBe('SUCCEEDED');
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);
    const kept = await withDb(t.databaseUrl, (db) =>
      db.query(`SELECT deleted_at FROM messages WHERE connector_id = $1 AND external_id = $2`, [id, victim.id]),
    );
    expect(kept.rows[0].deleted_at).not.toBeNull(); // soft-deleted, not lost
    const messages = await t.gql(
      `query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) { description messagesCount messages { totalCount nodes { externalId } } } }`,
      { c: id, e: String(ticket.id) },
      admin,
    );
    const tk = messages.data.ticketByExternalId;
    expect(tk.messages.totalCount).toBe(tk.messagesCount);
    expect(tk.messages.nodes.map((n: any) => n.externalId)).not.toContain(String(victim.id));
    expect(tk.description).toBe(conversation[1].body_text);
    const logs = await t.gql(
      `query($id: ID!, $run: ID) { syncLogs(connectorId: $id, runId: $run, first: 20) { nodes { message } } }`,
      { id, run: run.id },
      admin,
    );
    expect(logs.data.syncLogs.nodes.map((n: any) => n.message).join('\n')).toMatch(
      /Re-read 1 tickets changed in Gorgias .*1 messages gone from Gorgias marked deleted/,
    );
  });

  it('a key that loses message access fails the run with the permission answer, and the connector goes to ERROR', async () => {
    const acct = sim.addAccount({ subdomain: 'perm', email: EMAIL, apiKey: KEY, seed: 17, tickets: 40 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'perm' });
    await waitForRun(t, admin, id);
    acct.addKey({ apiKey: KEY, email: EMAIL, denied: ['messages'] }); // replaces the key's permissions: its user loses message access
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run.status).toBe('FAILED');
    expect(run.error).toMatch(/cannot read messages/);
    const c = (await t.gql(`query($id: ID!) { connector(id: $id) { status lastError nextSyncAt } }`, { id }, admin)).data.connector;
    expect(c.status).toBe('ERROR');
    expect(c.lastError).toMatch(/read access to tickets and messages/);
    expect(c.nextSyncAt).toBeNull();
    // Fixing the key (update with a key that works) brings it back to ACTIVE and syncs again.
    acct.addKey({ apiKey: 'fixed-key-0000', email: EMAIL });
    const updated = await t.gql(
      `mutation($id: ID!) { updateGorgiasConnector(id: $id, input: { apiKey: "fixed-key-0000" }) { status } }`,
      { id },
      admin,
    );
    expect(updated.data.updateGorgiasConnector.status).toBe('ACTIVE');
    expect((await waitForRun(t, admin, id)).status).toBe('SUCCEEDED');
  });

  it('streams progress over WebSocket up to 100%', async () => {
    sim.addAccount({ subdomain: 'progress', email: EMAIL, apiKey: KEY, seed: 18, tickets: 400 });
    const created = await t.gql(
      `mutation { createGorgiasConnector(input: { email: "${EMAIL}", apiKey: "${KEY}", subdomain: "progress" }) { id } }`,
      {},
      admin,
    );
    const id = created.data.createGorgiasConnector.id;
    const client = wsClient(t.url, `Bearer ${t.token(tenant, 'reader')}`);
    const done = collect<any>(
      client,
      `subscription($id: ID!) { syncProgress(connectorId: $id) { runId status phase percent ticketsSynced messagesSynced at } }`,
      { id },
      (events) => events.some((e) => e.syncProgress.status === 'SUCCEEDED'),
      120_000,
    );
    await new Promise((r) => setTimeout(r, 300)); // subscribed before the run starts
    await t.gql(`mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id }, admin);
    const { events, errors } = await done;
    await client.dispose();
    expect(errors).toEqual([]);
    const progress = events.map((e) => e.syncProgress);
    expect(progress.length).toBeGreaterThan(3);
    const last = progress[progress.length - 1];
    expect(last).toMatchObject({ status: 'SUCCEEDED', percent: 100 });
    const running = progress.filter((p) => p.status === 'RUNNING');
    expect(running.length).toBeGreaterThan(1);
    // Percent never goes backwards within a run.
    const percents = running.map((p) => p.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it('refuses to point a connector with synced data at another Gorgias account', async () => {
    sim.addAccount({ subdomain: 'moved', email: EMAIL, apiKey: KEY, seed: 22, tickets: 5 });
    sim.addAccount({ subdomain: 'movedto', email: EMAIL, apiKey: KEY, seed: 23, tickets: 5 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'moved' });
    await waitForRun(t, admin, id);
    const r = await t.gql(
      `mutation($id: ID!) { updateGorgiasConnector(id: $id, input: { subdomain: "movedto" }) { subdomain } }`,
      { id },
      admin,
    );
    expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toMatch(/already holds data synced from moved.gorgias.com.*add a new connector/);
    const c = (await t.gql(`query($id: ID!) { connector(id: $id) { subdomain status } }`, { id }, admin)).data.connector;
    expect(c).toEqual({ subdomain: 'moved', status: 'ACTIVE' });
  });

  it('pausing stops a running sync at its next page, keeps what it synced, and Save & Activate syncs the rest', async () => {
    const acct = sim.addAccount({ subdomain: 'pausing', email: EMAIL, apiKey: KEY, seed: 24, tickets: 300 });
    acct.setFaults({ slowMs: 40, slowRate: 1 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'pausing' });
    await waitForMessagesSynced(t, admin, id, 200);
    const paused = await t.gql(`mutation($id: ID!) { pauseConnector(id: $id) { status nextSyncAt } }`, { id }, admin);
    expect(paused.data.pauseConnector).toEqual({ status: 'PAUSED', nextSyncAt: null });
    const stopped = await waitForRun(t, admin, id);
    expect(stopped.status).toBe('CANCELLED');
    // Where it stopped is kept with the run (a portal opening now shows it).
    expect(stopped.percent).toBeGreaterThan(0);
    expect(stopped.percent).toBeLessThan(100);
    const kept = await storedData(t.databaseUrl, id);
    expect(kept.messages.length).toBeGreaterThanOrEqual(200);
    expect(kept.duplicates).toEqual({ tickets: 0, messages: 0 });
    const refused = await t.gql(TRIGGER, { id }, admin);
    expect(refused.errors[0].extensions.code).toBe('FAILED_PRECONDITION');
    expect(refused.errors[0].message).toMatch(/PAUSED: activate it/);
    const logs = await t.gql(`query($id: ID!) { syncLogs(connectorId: $id, first: 20) { nodes { message } } }`, { id }, admin);
    expect(logs.data.syncLogs.nodes.map((n: any) => n.message).join('\n')).toMatch(
      /Sync cancelled: the connector was paused. Data synced so far is kept./,
    );

    acct.setFaults({});
    const reactivated = (await t.gql(`mutation($id: ID!) { activateConnector(id: $id) { latestRun { id } } }`, { id }, admin)).data
      .activateConnector;
    expect((await waitForRun(t, admin, id, reactivated.latestRun.id)).status).toBe('SUCCEEDED');
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);
  });

  it('a key rotated during a sync (new key saved, old one revoked) lets the run continue with the new key', async () => {
    const acct = sim.addAccount({ subdomain: 'rotate', email: EMAIL, apiKey: KEY, seed: 25, tickets: 300 });
    acct.setFaults({ slowMs: 40, slowRate: 1 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'rotate' });
    await waitForMessagesSynced(t, admin, id, 200);
    acct.addKey({ apiKey: 'rotated-key-0002', email: EMAIL });
    const updated = await t.gql(
      `mutation($id: ID!) { updateGorgiasConnector(id: $id, input: { apiKey: "rotated-key-0002" }) { status apiKeyLast4 } }`,
      { id },
      admin,
    );
    expect(updated.data.updateGorgiasConnector).toEqual({ status: 'ACTIVE', apiKeyLast4: '0002' });
    acct.revokeKey(KEY);
    acct.setFaults({});
    const run = await waitForRun(t, admin, id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', error: null });
    const c = (await t.gql(`query($id: ID!) { connector(id: $id) { status lastError } }`, { id }, admin)).data.connector;
    expect(c).toEqual({ status: 'ACTIVE', lastError: null });
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);
    const logs = await t.gql(`query($id: ID!) { syncLogs(connectorId: $id, first: 30) { nodes { message } } }`, { id }, admin);
    expect(logs.data.syncLogs.nodes.map((n: any) => n.message).join('\n')).toMatch(
      /credentials changed during the sync; it continues with the new ones/,
    );
  });

  it('prunes sync history past the retention period, keeping the latest run of each connector', async () => {
    sim.addAccount({ subdomain: 'history', email: EMAIL, apiKey: KEY, seed: 26, tickets: 5 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'history' });
    const first = await waitForRun(t, admin, id);
    const second = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    // Age everything of this connector past the default 90 days.
    await withDb(t.databaseUrl, async (db) => {
      await db.query(`UPDATE sync_runs SET finished_at = now() - interval '100 days' WHERE connector_id = $1`, [id]);
      await db.query(`UPDATE sync_log_entries SET at = now() - interval '100 days' WHERE connector_id = $1 AND run_id = $2`, [
        id,
        first.id,
      ]);
    });
    const pruned = await t.app.get(SyncHistoryPruner).pruneHistory();
    expect(pruned.runs).toBeGreaterThanOrEqual(1);
    const runs = (await t.gql(RUNS, { id }, admin)).data.syncRuns.nodes.map((r: any) => r.id);
    expect(runs).toEqual([second.id]); // the older one went, the latest stays
    const logs = await t.gql(`query($id: ID!) { syncLogs(connectorId: $id, first: 50) { nodes { message } } }`, { id }, admin);
    expect(logs.data.syncLogs.nodes.length).toBeGreaterThan(0); // the latest run's lines are recent
    const c = (await t.gql(`query($id: ID!) { connector(id: $id) { latestRun { id } ticketCount } }`, { id }, admin)).data.connector;
    expect(c).toEqual({ latestRun: { id: second.id }, ticketCount: 5 });
  });

  it('an account with no tickets yet syncs to an empty, successful state, then picks up its first ticket', async () => {
    const acct = sim.addAccount({ subdomain: 'empty', email: EMAIL, apiKey: KEY, seed: 27, tickets: 0 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'empty' });
    expect(await waitForRun(t, admin, id)).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 0, messagesSynced: 0 });
    const first = acct.createTicket({ subject: 'The very first ticket' });
    acct.addMessage(first.id, { body_text: 'hello' });
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 1, messagesSynced: 1 });
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);
  });

  it('deleteConnector removes its synced data', async () => {
    sim.addAccount({ subdomain: 'gone', email: EMAIL, apiKey: KEY, seed: 19, tickets: 10 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'gone' });
    await waitForRun(t, admin, id);
    expect((await storedData(t.databaseUrl, id)).tickets.length).toBe(10);
    await t.gql(`mutation($id: ID!) { deleteConnector(id: $id) }`, { id }, admin);
    const left = await withDb(t.databaseUrl, (db) =>
      db.query(
        `SELECT (SELECT count(*) FROM tickets WHERE connector_id = $1)::int + (SELECT count(*) FROM messages WHERE connector_id = $1)::int
              + (SELECT count(*) FROM sync_runs WHERE connector_id = $1)::int + (SELECT count(*) FROM sync_log_entries WHERE connector_id = $1)::int AS n`,
        [id],
      ),
    );
    expect(left.rows[0].n).toBe(0);
  });
});
