import {
  DUE_WEBHOOK_CONNECTORS_SQL,
  ENQUEUE_WEBHOOK_RUNS_SQL,
  TicketRefreshRequestRepository,
} from '../../src/sync/repositories/ticket-refresh-request.repository';
import { REFRESH_COALESCE_MAX_MS } from '../../src/sync/engine/refresh/refresh.constants';
import { WebhookBudgetRepository } from '../../src/sync/repositories/webhook-budget.repository';
import { WebhookRateRepository } from '../../src/sync/repositories/webhook-rate.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

type Connector = { tenantId: string; connectorId: string };

/** What webhooks may cost a connector (security review M-1), against real PostgreSQL. */
describe('webhook budget (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let requests: TicketRefreshRequestRepository;
  let budgets: WebhookBudgetRepository;

  beforeAll(async () => {
    db = await openIntegrationDb();
    requests = new TicketRefreshRequestRepository(db.ds);
    budgets = new WebhookBudgetRepository(db.ds);
  });
  afterAll(() => db?.close());

  const held = async (c: Connector) =>
    (
      await db.ds.query(`SELECT ticket_external_id::text AS id FROM ticket_refresh_requests WHERE connector_id = $1 ORDER BY 1`, [
        c.connectorId,
      ])
    ).map((r: { id: string }) => r.id);
  const state = async (c: Connector) =>
    (await db.ds.query(`SELECT due_since, walk_requested_at FROM webhook_refresh_state WHERE connector_id = $1`, [c.connectorId]))[0];
  const makeDue = (c: Connector) =>
    db.ds.query(`UPDATE webhook_refresh_state SET due_since = now() - interval '5 seconds' WHERE connector_id = $1`, [c.connectorId]);
  const activeRun = async (c: Connector) =>
    (await db.ds.query(`SELECT mode FROM sync_runs WHERE connector_id = $1 AND status IN ('QUEUED','RUNNING')`, [c.connectorId]))[0]
      ?.mode ?? null;

  it('holds at most the cap of requests per connector; beyond, one walk marker, and the scheduler queues the incremental walk', async () => {
    const c = await seedConnector(db.ds);
    const outcomes = [];
    for (const id of ['1', '2', '3', '4', '5', '2']) outcomes.push(await requests.record(c, id, 3));
    // A duplicate of a held ticket still folds into its request; new ids past the cap only keep the marker.
    expect(outcomes).toEqual(['RECORDED', 'RECORDED', 'RECORDED', 'FOLDED', 'FOLDED', 'RECORDED']);
    expect(await held(c)).toEqual(['1', '2', '3']);
    expect((await state(c)).walk_requested_at).not.toBeNull();
    await makeDue(c);
    expect(await requests.enqueueRuns(1000, 300, 30)).toBe(1);
    expect(await activeRun(c)).toBe('INCREMENTAL');
  });

  it('keeps the cap exact when deliveries for one connector arrive at once on several connections', async () => {
    const c = await seedConnector(db.ds);
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => requests.record(c, String(100 + i), 5)));
    expect(outcomes.filter((o) => o === 'RECORDED')).toHaveLength(5);
    expect(outcomes.filter((o) => o === 'FOLDED')).toHaveLength(15);
    expect(await held(c)).toHaveLength(5);
  });

  it('a walk answers the requests and the marker received before it started; later ones stay due', async () => {
    const c = await seedConnector(db.ds);
    for (const id of ['1', '2', '3']) await requests.record(c, id, 2);
    // A walk that started after these requests (a second from now) answers them and the marker.
    const [{ later, earlier }] = await db.ds.query(`SELECT now() + interval '1 second' AS later, now() - interval '1 minute' AS earlier`);
    expect(await db.ds.transaction((m) => requests.completeReceivedBefore(m, c, later))).toBe(2);
    expect(await held(c)).toEqual([]);
    expect(await state(c)).toEqual({ due_since: null, walk_requested_at: null });

    // One that started before a request answers nothing of it.
    await requests.record(c, '9', 2);
    expect(await db.ds.transaction((m) => requests.completeReceivedBefore(m, c, earlier))).toBe(0);
    expect(await held(c)).toEqual(['9']);
    expect((await state(c)).due_since).not.toBeNull();
  });

  it('skips an id Gorgias answered 404 for until that memory expires', async () => {
    const c = await seedConnector(db.ds);
    await db.ds.transaction((m) => budgets.rememberMissing(m, c, '777', 60_000));
    expect(await requests.record(c, '777', 10)).toBe('MISSING');
    expect(await held(c)).toEqual([]);
    await db.ds.query(`UPDATE webhook_answered_tickets SET until = now() - interval '1 second' WHERE connector_id = $1`, [c.connectorId]);
    expect(await requests.record(c, '777', 10)).toBe('RECORDED');
  });

  it('a burst recorded over time makes one run: each new ticket moves the due time, a duplicate or the cap does not', async () => {
    const c = await seedConnector(db.ds);
    await requests.record(c, '1', 10);
    // The first request was recorded a while ago, as when a burst is recorded at a slow database's pace.
    await db.ds.query(`UPDATE webhook_refresh_state SET due_since = now() - interval '1 second' WHERE connector_id = $1`, [c.connectorId]);
    await db.ds.query(`UPDATE ticket_refresh_requests SET first_received_at = now() - interval '1 second' WHERE connector_id = $1`, [
      c.connectorId,
    ]);
    const age = async () =>
      Number(
        (
          await db.ds.query(`SELECT extract(epoch FROM now() - due_since) AS s FROM webhook_refresh_state WHERE connector_id = $1`, [
            c.connectorId,
          ])
        )[0].s,
      );
    await requests.record(c, '1', 10); // a duplicate: still due a second ago
    expect(await age()).toBeGreaterThanOrEqual(1);
    await requests.record(c, '2', 10); // a new ticket of the burst: due from its arrival
    expect(await age()).toBeLessThan(1);
    await requests.enqueueRuns(300, 300, 30);
    expect(await activeRun(c)).toBeNull();
    // A stream that never pauses is read REFRESH_COALESCE_MAX_MS after its oldest request at the latest.
    await db.ds.query(`UPDATE webhook_refresh_state SET due_since = now() - interval '10 seconds' WHERE connector_id = $1`, [
      c.connectorId,
    ]);
    await db.ds.query(`UPDATE ticket_refresh_requests SET first_received_at = now() - interval '10 seconds' WHERE connector_id = $1`, [
      c.connectorId,
    ]);
    await requests.record(c, '3', 10);
    expect(await age()).toBeCloseTo(10 - REFRESH_COALESCE_MAX_MS / 1000, 0);
    await requests.enqueueRuns(300, 300, 30);
    expect(await activeRun(c)).toBe('REFRESH');
  });

  it('defers a webhook for an id re-read seconds ago instead of making a run of every delivery', async () => {
    const c = await seedConnector(db.ds);
    await requests.record(c, '5', 10);
    const [first] = (await requests.pending(c, 10)).requests;
    await requests.record(c, '5', 10); // announced again while this pass reads it
    await db.ds.transaction((m) => requests.complete(m, c, [first]));
    const due = async () =>
      (await db.ds.query(`SELECT due_since > now() AS later FROM webhook_refresh_state WHERE connector_id = $1`, [c.connectorId]))[0].later;
    expect(await held(c)).toEqual(['5']);
    expect(await due()).toBe(true); // a few seconds after the read, not now
    await requests.enqueueRuns(0, 300, 30);
    expect(await activeRun(c)).toBeNull();

    const [second] = (await requests.pending(c, 10)).requests;
    await db.ds.transaction((m) => requests.complete(m, c, [second]));
    expect(await held(c)).toEqual([]);
    expect(await state(c)).toMatchObject({ due_since: null });
    // A new delivery right after the read is held, and due when the few seconds have passed.
    expect(await requests.record(c, '5', 10)).toBe('RECORDED');
    expect(await held(c)).toEqual(['5']);
    expect(await due()).toBe(true);
    await requests.enqueueRuns(0, 300, 30);
    expect(await activeRun(c)).toBeNull();
    await db.ds.query(`UPDATE webhook_answered_tickets SET until = now() - interval '1 second' WHERE connector_id = $1`, [c.connectorId]);
    await db.ds.query(`UPDATE ticket_refresh_requests SET first_received_at = now() - interval '1 second' WHERE connector_id = $1`, [
      c.connectorId,
    ]);
    await db.ds.query(`UPDATE webhook_refresh_state SET due_since = now() - interval '1 second' WHERE connector_id = $1`, [c.connectorId]);
    await requests.enqueueRuns(0, 300, 30);
    expect(await activeRun(c)).toBe('REFRESH');
  });

  it("queues no webhook run while the connector's webhook runs spent the minute's budget", async () => {
    const c = await seedConnector(db.ds);
    const other = await seedConnector(db.ds);
    await requests.record(c, '1', 10);
    await requests.record(other, '1', 10);
    await makeDue(c);
    await makeDue(other);
    const [spent] = await db.ds.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger, status, api_requests, started_at, finished_at)
       VALUES ($1, $2, 'REFRESH', 'WEBHOOK', 'SUCCEEDED', 30, now() - interval '20 seconds', now() - interval '10 seconds') RETURNING id`,
      [c.tenantId, c.connectorId],
    );
    expect(await budgets.callsSpent(c.connectorId, null)).toBe(30);
    expect(await budgets.callsSpent(c.connectorId, spent.id)).toBe(0);
    expect(await requests.enqueueRuns(1000, 300, 30)).toBe(1);
    expect(await activeRun(c)).toBeNull();
    expect(await activeRun(other)).toBe('REFRESH');
    // A minute later the budget is back.
    await db.ds.query(`UPDATE sync_runs SET finished_at = now() - interval '61 seconds' WHERE id = $1`, [spent.id]);
    expect(await requests.enqueueRuns(1000, 300, 30)).toBe(1);
    expect(await activeRun(c)).toBe('REFRESH');
  });

  it("queues no run from a due scan that began before the connector's last run finished (it may have answered those requests)", async () => {
    const c = await seedConnector(db.ds);
    await requests.record(c, '1', 10);
    await makeDue(c);
    // Step 1 sees the request; then a run that answers it finishes; then step 2 runs with step 1's rows.
    const due = await db.ds.query(DUE_WEBHOOK_CONNECTORS_SQL, [1, 300]);
    const mine = due.filter((d: { connectorId: string }) => d.connectorId === c.connectorId);
    expect(mine).toHaveLength(1);
    const [run] = await db.ds.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger, status, api_requests, started_at, finished_at)
       VALUES ($1, $2, 'REFRESH', 'WEBHOOK', 'SUCCEEDED', 2, now() - interval '1 second', now()) RETURNING id`,
      [c.tenantId, c.connectorId],
    );
    const step2 = (seenAt: Date) => db.ds.query(ENQUEUE_WEBHOOK_RUNS_SQL, [[c.tenantId], [c.connectorId], [mine[0].mode], 30, seenAt]);
    expect(await step2(mine[0].seenAt)).toHaveLength(0);
    expect(await activeRun(c)).toBeNull();
    // A scan that began after that run finished saw what it left, and queues the run.
    const [{ finished }] = await db.ds.query(`SELECT finished_at AS finished FROM sync_runs WHERE id = $1`, [run.id]);
    expect(await step2(new Date(new Date(finished).getTime() + 1))).toHaveLength(1);
    expect(await activeRun(c)).toBe('REFRESH');
  });

  it('queues no run when the last run finishes while step 2 runs (its WHERE saw it running, its conflict check not)', async () => {
    const c = await seedConnector(db.ds);
    await requests.record(c, '1', 10);
    await makeDue(c);
    const [run] = await db.ds.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger, status, started_at) VALUES ($1, $2, 'REFRESH', 'WEBHOOK', 'RUNNING', now())
       RETURNING id`,
      [c.tenantId, c.connectorId],
    );
    const due = await db.ds.query(DUE_WEBHOOK_CONNECTORS_SQL, [1, 300]);
    const mine = due.filter((d: { connectorId: string }) => d.connectorId === c.connectorId);
    expect(mine).toHaveLength(1);
    // The run's finishing transaction has updated its row but not committed when step 2 starts.
    const finishing = db.ds.createQueryRunner();
    await finishing.connect();
    try {
      await finishing.startTransaction();
      await finishing.query(`UPDATE sync_runs SET status = 'SUCCEEDED', finished_at = now() WHERE id = $1`, [run.id]);
      const step2 = db.ds.query(ENQUEUE_WEBHOOK_RUNS_SQL, [[c.tenantId], [c.connectorId], [mine[0].mode], 30, mine[0].seenAt]);
      await new Promise((r) => setTimeout(r, 300)); // step 2 is under way (it would wait on the run's row)
      await finishing.commitTransaction();
      expect(await step2).toHaveLength(0);
    } finally {
      await finishing.release();
    }
    expect(await activeRun(c)).toBeNull();
  });

  // PostgreSQL's plan shape; on Citus the router plans are checked by test/citus/router-plans.citus-spec.ts.
  const onPlainPostgres = process.env.CITUS_COORDINATOR_URL ? it.skip : it;
  onPlainPostgres('the scheduler reads only due connectors through an index, never the whole request table (EXPLAIN)', async () => {
    // 300 connectors holding 40 requests each, none due; one due connector.
    const many: Connector[] = [];
    for (let i = 0; i < 300; i++) many.push(await seedConnector(db.ds));
    await db.ds.query(
      `INSERT INTO ticket_refresh_requests (connector_id, ticket_external_id, tenant_id)
       SELECT c, n, t FROM unnest($1::uuid[], $2::text[]) AS k(c, t), generate_series(1, 40) AS n`,
      [many.map((c) => c.connectorId), many.map((c) => c.tenantId)],
    );
    await db.ds.query(
      `INSERT INTO webhook_refresh_state (connector_id, tenant_id, due_since) SELECT c, t, NULL FROM unnest($1::uuid[], $2::text[]) AS k(c, t)`,
      [many.map((c) => c.connectorId), many.map((c) => c.tenantId)],
    );
    // ...and a history of runs, as a fleet has (read per connector through sync_runs_connector_idx).
    await db.ds.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger, status, created_at, finished_at)
       SELECT 't', c, 'REFRESH', 'WEBHOOK', 'SUCCEEDED', now() - make_interval(mins => n), now() - make_interval(mins => n)
         FROM unnest($1::uuid[]) AS c, generate_series(1, 20) AS n`,
      [many.map((c) => c.connectorId)],
    );
    const due = await seedConnector(db.ds);
    await requests.record(due, '1', 10);
    await makeDue(due);
    await db.ds.query(`ANALYZE ticket_refresh_requests; ANALYZE webhook_refresh_state; ANALYZE connectors; ANALYZE sync_runs`);
    // Two statements (the due connectors on the tenants' nodes, then the runs on the coordinator): neither scans a table.
    const planOf = async (sql: string, params: unknown[]) => {
      // With the few hundred rows of a test, a hash join over whole tables costs about as much as the
      // index walk; random_page_cost as on SSDs (what a production database sets) keeps the choice stable.
      const [{ 'QUERY PLAN': plan }] = await db.ds.transaction(async (m) => {
        await m.query(`SET LOCAL random_page_cost = 1.1`);
        return m.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
      });
      const nodes: { 'Node Type': string; 'Relation Name'?: string; 'Index Name'?: string }[] = [];
      const walk = (n: any) => {
        nodes.push(n);
        (n.Plans ?? []).forEach(walk);
      };
      walk(plan[0].Plan);
      const scans = nodes
        .filter((n) => n['Node Type'].includes('Scan'))
        .map((n) => `${n['Node Type']} ${n['Relation Name'] ?? n['Index Name']}`);
      return { indexes: nodes.map((n) => n['Index Name']), seqScans: scans.filter((s) => s.startsWith('Seq Scan')) };
    };
    const dueStep = await planOf(DUE_WEBHOOK_CONNECTORS_SQL, [1, 300]);
    expect(dueStep.indexes).toContain('webhook_refresh_state_due_idx');
    expect(dueStep.seqScans).toEqual([]);
    const runStep = await planOf(ENQUEUE_WEBHOOK_RUNS_SQL, [[due.tenantId], [due.connectorId], ['REFRESH'], 30, new Date()]);
    expect(runStep.seqScans).toEqual([]);
  });

  it('counts deliveries per subject and minute in one shared window', async () => {
    const rates = new WebhookRateRepository(db.ds);
    const again = new WebhookRateRepository(db.ds); // as another instance would
    const first = await rates.hit('connector', 'c-1');
    const second = await again.hit('connector', 'c-1');
    const elsewhere = await rates.hit('address', 'c-1');
    // The same window unless the minute turned between the two calls.
    expect(second.hits === first.hits + 1 || second.hits === 1).toBe(true);
    expect(elsewhere.hits).toBe(1);
    expect(first.secondsLeft).toBeGreaterThanOrEqual(1);
    expect(first.secondsLeft).toBeLessThanOrEqual(60);
  });
});
