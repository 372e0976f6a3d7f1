import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, diffAgainstGorgias, RUNS, storedData, TRIGGER, waitForRun, withDb } from '../../support/sync-helpers';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { freePort, randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { eventually as poll } from '../../support/poll';

const EMAIL = 'admin@acme.test';

/** Until `check` holds (the shared poller; behaviour, not time: the deadline only stops a broken run). */
const eventually = <T>(check: () => Promise<T>, what: string) => poll(check, { what, timeoutMs: 60_000 });

/** Webhooks become REFRESH runs that re-read each announced ticket once, through the same writer, without moving watermarks. */
describe('webhook refresh runs', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  let port: number;
  const apps: TestApp[] = [];
  const tenant = randomTenant('refresh');

  const start = async (opts: { scheduler: boolean; port?: number }) => {
    const t = await startTestApp({
      databaseUrl: db.url,
      port: opts.port,
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        SYNC_SCHEDULER_ENABLED: String(opts.scheduler),
        SYNC_TICK_SECONDS: '1',
      },
    });
    apps.push(t);
    return t;
  };
  const stop = async (t: TestApp) => {
    apps.splice(apps.indexOf(t), 1);
    await t.close();
  };
  const pending = (connectorId: string) =>
    withDb(
      db.url,
      async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM ticket_refresh_requests WHERE connector_id = $1`, [connectorId])).rows[0]
          .n as number,
    );
  const watermarks = (connectorId: string) =>
    withDb(
      db.url,
      async (c) =>
        (await c.query(`SELECT stream, watermark, updated_at FROM sync_cursors WHERE connector_id = $1 ORDER BY stream`, [connectorId]))
          .rows,
    );
  const refreshRuns = async (t: TestApp, connectorId: string) =>
    ((await t.gql(RUNS, { id: connectorId }, t.token(tenant))).data.syncRuns.nodes as any[]).filter((r) => r.mode === 'REFRESH');

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    db = await createTestDatabase();
    port = await freePort(); // the instance Gorgias posts to
  });
  // Each test's instances close when it ends, passed or failed: the next test listens on the same `port`.
  afterEach(async () => {
    for (const t of apps.splice(0)) await t.close();
  });
  afterAll(async () => {
    for (const t of apps.splice(0)) await t.close();
    await sim?.close();
    await db?.drop();
  });

  it('100 webhooks for 5 tickets, recorded by one instance, cost another instance one GET per ticket in one REFRESH run', async () => {
    const acct = sim.addAccount({ subdomain: 'coalesce', email: EMAIL, apiKey: 'coalesce-key-01234', seed: 21, tickets: 150 });
    let t = await start({ scheduler: true, port });
    const admin = t.token(tenant);
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'coalesce-key-01234', subdomain: 'coalesce' });
    await waitForRun(t, admin, id);
    const secret = /^Bearer (.+)$/.exec(acct.integrations()[0].http.headers.Authorization)![1];
    await stop(t);

    // Changes in Gorgias whose deliveries all arrive at an instance that runs no syncs.
    t = await start({ scheduler: false, port });
    acct.setWebhookDelivery({ dropRate: 1 }); // we post the webhooks ourselves, 20 per ticket
    const all = acct.snapshot().tickets;
    const tickets = all.slice(0, 5);
    for (const [i, tk] of tickets.entries()) acct.updateTicket(tk.id, { status: i % 2 ? 'closed' : 'open', subject: `changed ${i}` });
    // Then 100 other tickets change and their webhooks are lost: the announced 5 are no longer among
    // the 100 most recently updated, which the refresh reads first (and so catches the lost ones).
    for (const tk of all.slice(5, 105)) acct.updateTicket(tk.id, { subject: `unannounced ${tk.id}` });
    const before = watermarks(id);
    for (let round = 0; round < 20; round++) {
      for (const tk of tickets) {
        const res = await fetch(`${t.url}/webhooks/gorgias/${id}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
          body: JSON.stringify({ ticket_id: round % 2 ? tk.id : String(tk.id) }),
        });
        expect(res.status).toBe(202);
      }
    }
    expect(await pending(id)).toBe(5);
    await stop(t);

    const callsBefore = acct.stats();
    const worker = await start({ scheduler: true });
    await eventually(async () => (await pending(id)) === 0, 'the refresh requests to be worked off');
    const [run] = await eventually(async () => {
      const runs = await refreshRuns(worker, id);
      return runs.length > 0 && runs.every((r) => r.status === 'SUCCEEDED') ? runs : null;
    }, 'the REFRESH run to finish');
    const callsAfter = acct.stats();
    expect(await refreshRuns(worker, id)).toHaveLength(1);
    // One page of the most recently updated tickets, then one GET per announced ticket.
    // The first page's 100 tickets whose webhooks were lost changed too, and are counted as changed.
    expect(run).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 105, ticketsRead: 105, changed: true, apiRequests: 6 });
    expect(callsAfter.requests - callsBefore.requests).toBe(6);
    expect((callsAfter.byRoute['GET /api/tickets'] ?? 0) - (callsBefore.byRoute['GET /api/tickets'] ?? 0)).toBe(1);
    expect((callsAfter.byRoute['GET /api/tickets/{id}'] ?? 0) - (callsBefore.byRoute['GET /api/tickets/{id}'] ?? 0)).toBe(5);
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(db.url, id))).toEqual([]);
    // Webhook refreshes never move the polling watermarks.
    expect(await watermarks(id)).toEqual(await before);
    const logs = await worker.gql(`query($id: ID!) { syncLogs(connectorId: $id, first: 5) { nodes { message } } }`, { id }, admin);
    expect(logs.data.syncLogs.nodes[0].message).toMatch(/^Re-read 5 tickets announced by webhooks .*6 Gorgias API calls\.$/);
    await stop(worker);
  });

  it('a refresh of announced tickets that did not change counts them read, not synced (changed: false)', async () => {
    const acct = sim.addAccount({ subdomain: 'unchanged', email: EMAIL, apiKey: 'unchanged-key-01234', seed: 26, tickets: 150 });
    const t = await start({ scheduler: true, port });
    const admin = t.token(tenant);
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'unchanged-key-01234', subdomain: 'unchanged' });
    await waitForRun(t, admin, id);
    const secret = /^Bearer (.+)$/.exec(acct.integrations()[0].http.headers.Authorization)![1];
    // Nothing changes in Gorgias; a webhook names the newest ticket (in the refresh's first page) and the
    // least recently updated one (read with its own GET).
    const byUpdate = [...acct.snapshot().tickets].sort((a, b) => Date.parse(a.updated_datetime) - Date.parse(b.updated_datetime));
    for (const tk of [byUpdate[byUpdate.length - 1], byUpdate[0]]) {
      const res = await fetch(`${t.url}/webhooks/gorgias/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ ticket_id: tk.id }),
      });
      expect(res.status).toBe(202);
    }
    await eventually(async () => (await pending(id)) === 0, 'the refresh requests to be worked off');
    const runs = await eventually(async () => {
      const all = await refreshRuns(t, id);
      return all.length > 0 && all.every((r) => r.status === 'SUCCEEDED') ? all : null;
    }, 'the REFRESH runs to finish');
    const sum = (k: string) => runs.reduce((n: number, r: any) => n + r[k], 0);
    expect(sum('ticketsRead')).toBeGreaterThanOrEqual(101); // the first page and the GET
    expect({ ticketsSynced: sum('ticketsSynced'), messagesSynced: sum('messagesSynced') }).toEqual({ ticketsSynced: 0, messagesSynced: 0 });
    expect(runs.map((r: any) => r.changed)).not.toContain(true);
    await stop(t);
  });

  it('changes delivered by Gorgias show without a poll: replies, status changes and new tickets, many tickets read in batches', async () => {
    const acct = sim.addAccount({ subdomain: 'live', email: EMAIL, apiKey: 'live-key-0123456789', seed: 22, tickets: 150 });
    const t = await start({ scheduler: true, port });
    const admin = t.token(tenant);
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'live-key-0123456789', subdomain: 'live' });
    await waitForRun(t, admin, id);
    const before = await watermarks(id);
    const polls = (await t.gql(RUNS, { id }, admin)).data.syncRuns.totalCount;

    const old = acct.snapshot().tickets.slice(-25);
    acct.addMessage(old[0].id, { body_text: 'a reply announced by a webhook' });
    acct.updateTicket(old[1].id, { status: 'closed' });
    const created = acct.createTicket({ subject: 'created and announced' });
    // The close is announced twice (ticket-updated and, since issue 24, ticket-status-updated): both delivered
    // before the burst below, so that a late one is not counted among the burst's calls.
    await acct.webhooksIdle();
    await eventually(
      async () => (await pending(id)) === 0 && diffAgainstGorgias(acct.snapshot(), await storedData(db.url, id)).length === 0,
      'the three changes to show',
    );
    await eventually(async () => (await refreshRuns(t, id)).every((r) => r.status === 'SUCCEEDED'), 'their refresh runs to end');

    // A burst of replies on 23 tickets, then 100 other tickets change with their webhooks lost: the
    // 23 announced ones are no longer among the most recently updated, so they are read by id in a
    // batch (plus the newest messages) rather than one GET each. Gorgias posts the 23 at once; the
    // intake records them one after another (each locks the connector's state row), so on a slower
    // database (a Citus cluster) they arrive over a second: they still make one run (burst-due.ts).
    const batchStats = acct.stats();
    for (const tk of old.slice(2)) acct.addMessage(tk.id, { body_text: `burst reply on ${tk.id}` });
    acct.setWebhookDelivery({ dropRate: 1 });
    const others = acct.snapshot().tickets.filter((x) => x.id !== created.id && !old.some((o) => o.id === x.id));
    for (const tk of others.slice(0, 100)) acct.updateTicket(tk.id, { subject: `unannounced ${tk.id}` });
    acct.setWebhookDelivery({ dropRate: 0 });
    await eventually(
      async () => (await pending(id)) === 0 && diffAgainstGorgias(acct.snapshot(), await storedData(db.url, id)).length === 0,
      'the burst to show',
    );
    await eventually(async () => (await refreshRuns(t, id)).every((r) => r.status === 'SUCCEEDED'), 'refresh runs to end');
    const calls = acct.stats().requests - batchStats.requests;
    // 23 tickets: one GET each would be 23 calls; the batch reads them by id in one, with the newest messages.
    // On a loaded Citus cluster the intake may take longer than REFRESH_COALESCE_MAX_MS to record the 23
    // (each a distributed commit): what it records after the run started makes a later, small run, read
    // one GET each (at most REFRESH_GET_MAX_TICKETS a run). The bound on calls holds either way.
    expect(calls).toBeLessThan(10);

    const runs = (await t.gql(RUNS, { id }, admin)).data.syncRuns.nodes;
    expect(runs.filter((r: any) => r.mode !== 'REFRESH')).toHaveLength(polls); // no poll ran
    expect(await watermarks(id)).toEqual(before);
    const shown = await t.gql(
      `query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) { subject } }`,
      { c: id, e: String(created.id) },
      admin,
    );
    expect(shown.data.ticketByExternalId.subject).toBe('created and announced');
    await stop(t);
  });

  it('a dropped delivery is caught by the next poll, or by the refresh of a later delivery', async () => {
    const acct = sim.addAccount({ subdomain: 'dropped', email: EMAIL, apiKey: 'dropped-key-012345', seed: 23, tickets: 20 });
    const t = await start({ scheduler: true, port });
    const admin = t.token(tenant);
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'dropped-key-012345', subdomain: 'dropped' });
    await waitForRun(t, admin, id);
    acct.setWebhookDelivery({ dropRate: 1 });
    const target = acct.snapshot().tickets[3];
    acct.addMessage(target.id, { body_text: 'this webhook never arrives' });
    await acct.webhooksIdle();
    expect(acct.webhookDeliveries().slice(-1)[0].outcome).toBe('dropped');
    expect(await pending(id)).toBe(0);
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(db.url, id))).not.toEqual([]);

    const poll = (await t.gql(TRIGGER, { id, mode: 'INCREMENTAL' }, admin)).data.triggerSync;
    expect((await waitForRun(t, admin, id, poll.id)).status).toBe('SUCCEEDED');
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(db.url, id))).toEqual([]);

    // ...or sooner, by the refresh of the account's next delivered webhook (it reads the most recently updated tickets).
    const polls = (await t.gql(RUNS, { id }, admin)).data.syncRuns.nodes.filter((r: any) => r.mode !== 'REFRESH').length;
    acct.updateTicket(acct.snapshot().tickets[5].id, { status: 'closed', subject: 'lost webhook' });
    acct.addMessage(acct.snapshot().tickets[6].id, { body_text: 'lost webhook too' });
    await acct.webhooksIdle();
    acct.setWebhookDelivery({ dropRate: 0 });
    acct.updateTicket(acct.snapshot().tickets[7].id, { subject: 'delivered' });
    await eventually(
      async () => (await pending(id)) === 0 && diffAgainstGorgias(acct.snapshot(), await storedData(db.url, id)).length === 0,
      'the lost changes to show',
    );
    expect((await t.gql(RUNS, { id }, admin)).data.syncRuns.nodes.filter((r: any) => r.mode !== 'REFRESH')).toHaveLength(polls);
    await stop(t);
  });

  it('two instances never refresh the same connector at once, and together read every announced change', async () => {
    const acct = sim.addAccount({ subdomain: 'pair', email: EMAIL, apiKey: 'pair-key-0123456789', seed: 24, tickets: 40 });
    const a = await start({ scheduler: true, port });
    const b = await start({ scheduler: true });
    const admin = a.token(tenant);
    const id = await createAndActivate(a, admin, { email: EMAIL, apiKey: 'pair-key-0123456789', subdomain: 'pair' });
    await waitForRun(a, admin, id);
    const secret = /^Bearer (.+)$/.exec(acct.integrations()[0].http.headers.Authorization)![1];
    acct.setWebhookDelivery({ dropRate: 0 });

    let maxRunning = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const n = await withDb(
          db.url,
          async (c) =>
            (await c.query(`SELECT count(*)::int AS n FROM sync_runs WHERE connector_id = $1 AND status = 'RUNNING'`, [id])).rows[0].n,
        );
        maxRunning = Math.max(maxRunning, n);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    const tickets = acct.snapshot().tickets;
    const refreshRuns = () =>
      withDb(
        db.url,
        async (c) =>
          (await c.query(`SELECT count(*)::int AS n FROM sync_runs WHERE connector_id = $1 AND mode = 'REFRESH'`, [id])).rows[0]
            .n as number,
      );
    // At least 60 changes, and on until the refreshes of several runs have followed one another: a fast machine can
    // read 60 changes in one refresh, which would leave nothing to overlap.
    for (let i = 0; i < 60 || (i < 600 && (await refreshRuns()) < 3); i++) {
      const tk = tickets[i % tickets.length];
      acct.updateTicket(tk.id, { subject: `round ${i}` });
      // Each change is also posted to the other instance, as a load balancer would spread retries.
      await fetch(`${b.url}/webhooks/gorgias/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        body: JSON.stringify({ ticket_id: tk.id }),
      });
      if (i % 10 === 9) await new Promise((r) => setTimeout(r, 150));
    }
    await acct.webhooksIdle();
    await eventually(
      async () => (await pending(id)) === 0 && diffAgainstGorgias(acct.snapshot(), await storedData(db.url, id)).length === 0,
      'every change to show',
    );
    sampling = false;
    await sampler;
    const runs = await withDb(
      db.url,
      async (c) =>
        (
          await c.query(
            `SELECT started_at, finished_at, status FROM sync_runs WHERE connector_id = $1 AND mode = 'REFRESH' ORDER BY started_at`,
            [id],
          )
        ).rows,
    );
    expect(runs.length).toBeGreaterThan(1);
    expect(maxRunning).toBe(1);
    for (let i = 1; i < runs.length; i++) expect(runs[i].started_at.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finished_at.getTime());
    await stop(b);
    await stop(a);
  });

  it('polls every SYNC_POLL_SECONDS whether webhooks arrive or not (a dropped delivery waits one poll, not the interval)', async () => {
    const acct = sim.addAccount({ subdomain: 'adaptive', email: EMAIL, apiKey: 'adaptive-key-01234', seed: 25, tickets: 10 });
    const t = await start({ scheduler: true, port });
    const admin = t.token(tenant);
    const id = await createAndActivate(t, admin, {
      email: EMAIL,
      apiKey: 'adaptive-key-01234',
      subdomain: 'adaptive',
      syncIntervalMinutes: 15,
    });
    await waitForRun(t, admin, id);
    const schedule = async () => {
      const c = (
        await t.gql(`query($id: ID!) { connector(id: $id) { lastSyncedAt nextSyncAt realtime { mode lastWebhookAt } } }`, { id }, admin)
      ).data.connector;
      return { ...c, gapSeconds: Math.round((Date.parse(c.nextSyncAt) - Date.parse(c.lastSyncedAt)) / 1000) };
    };
    // Registered, but nothing posted yet: polling is the only source, every 60 s.
    expect(await schedule()).toMatchObject({ gapSeconds: 60, realtime: { mode: 'WEBHOOKS', lastWebhookAt: null } });

    acct.updateTicket(acct.snapshot().tickets[0].id, { status: 'closed' });
    await eventually(async () => (await schedule()).realtime.lastWebhookAt, 'the webhook to arrive');
    await eventually(
      async () => (await pending(id)) === 0 && (await refreshRuns(t, id)).every((r) => ['SUCCEEDED', 'FAILED'].includes(r.status)),
      'its refresh to end',
    );
    const poll = (await t.gql(TRIGGER, { id, mode: 'INCREMENTAL' }, admin)).data.triggerSync;
    await waitForRun(t, admin, id, poll.id);
    // Webhooks arrive: the poll stays every 60 s, the only way in for deliveries Gorgias dropped (issue 27).
    expect(await schedule()).toMatchObject({ gapSeconds: 60, realtime: { mode: 'WEBHOOKS', lastWebhookAt: expect.any(String) } });
    await stop(t);
  });
});
