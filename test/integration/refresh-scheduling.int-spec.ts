import { SyncCursorRepository } from '../../src/sync/repositories/sync-cursor.repository';
import { SyncRunRepository } from '../../src/sync/repositories/sync-run.repository';
import { TicketRefreshRequestRepository } from '../../src/sync/repositories/ticket-refresh-request.repository';
import { SyncMode } from '../../src/sync/sync-run.types';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

/** The queue of webhook refreshes and how the scheduler claims runs, against real PostgreSQL. */
describe('refresh requests and run claiming (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let runs: SyncRunRepository;
  let cursors: SyncCursorRepository;
  let requests: TicketRefreshRequestRepository;

  beforeAll(async () => {
    db = await openIntegrationDb();
    runs = new SyncRunRepository(db.ds);
    cursors = new SyncCursorRepository(db.ds);
    requests = new TicketRefreshRequestRepository(db.ds);
  });
  afterAll(() => db?.close());

  const synced = async (c: { tenantId: string; connectorId: string }) =>
    db.ds.transaction((m) => cursors.setWatermark(m, c, 'tickets', '2026-01-01T00:00:00Z', new Date()));
  const age = async (connectorId: string, seconds: number) => {
    await db.ds.query(`UPDATE ticket_refresh_requests SET first_received_at = now() - make_interval(secs => $2) WHERE connector_id = $1`, [
      connectorId,
      seconds,
    ]);
    await db.ds.query(`UPDATE webhook_refresh_state SET due_since = now() - make_interval(secs => $2) WHERE connector_id = $1`, [
      connectorId,
      seconds,
    ]);
  };

  it('claims oldest due first, and keeps initial and FULL runs apart from short ones', async () => {
    const initial = await seedConnector(db.ds); // no watermark yet: its first run reads everything
    const full = await seedConnector(db.ds);
    const poll = await seedConnector(db.ds);
    await synced(full);
    await synced(poll);
    const a = await db.ds.transaction((m) => runs.enqueue(m, initial, SyncMode.INCREMENTAL, 'ACTIVATE'));
    const b = await db.ds.transaction((m) => runs.enqueue(m, full, SyncMode.FULL, 'MANUAL'));
    const c = await db.ds.transaction((m) => runs.enqueue(m, poll, SyncMode.INCREMENTAL, 'SCHEDULE'));
    expect((await runs.claim('x', 5, 60, undefined, [], 'short')).map((r) => r.id)).toEqual([c.id]);
    expect((await runs.claim('x', 1, 60, undefined, [], 'long')).map((r) => r.id)).toEqual([a.id]); // the older of the two
    expect((await runs.claim('x', 5, 60, undefined, [], 'long')).map((r) => r.id)).toEqual([b.id]);
  });

  it('folds duplicate webhooks into one request, and keeps a request announced again while it was read', async () => {
    const c = await seedConnector(db.ds);
    await db.ds.query(
      `INSERT INTO connector_webhooks (connector_id, tenant_id, state, url, secret_ciphertext, secret_key_id) VALUES ($1, $2, 'REGISTERED', 'u', 'x', 'x')`,
      [c.connectorId, c.tenantId],
    );
    for (const id of ['11', '12', '11', '11']) await requests.record(c, id, 300);
    const { requests: first, total } = await requests.pending(c, 10);
    expect(total).toBe(2);
    expect(first.map((r) => r.ticketExternalId)).toEqual(['11', '12']);
    // Ticket 11 is announced again after this pass read it: it stays for the next pass.
    await requests.record(c, '11', 300);
    await db.ds.transaction((m) => requests.complete(m, c, first));
    expect((await requests.pending(c, 10)).requests.map((r) => r.ticketExternalId)).toEqual(['11']);
    const [{ last }] = await db.ds.query(`SELECT last_webhook_at IS NOT NULL AS last FROM connector_webhooks WHERE connector_id = $1`, [
      c.connectorId,
    ]);
    expect(last).toBe(true);
  });

  it('queues REFRESH once a burst had time to arrive, the normal walk for a large backlog, and nothing for a paused or busy connector', async () => {
    const few = await seedConnector(db.ds);
    const many = await seedConnector(db.ds);
    const fresh = await seedConnector(db.ds);
    const paused = await seedConnector(db.ds);
    const busy = await seedConnector(db.ds);
    for (const id of ['1', '2', '3']) await requests.record(few, id, 300);
    for (let i = 1; i <= 12; i++) await requests.record(many, String(i), 300);
    await requests.record(fresh, '1', 300);
    await requests.record(paused, '1', 300);
    await requests.record(busy, '1', 300);
    await db.ds.query(`UPDATE connectors SET status = 'PAUSED' WHERE id = $1`, [paused.connectorId]);
    const running = await db.ds.transaction((m) => runs.enqueue(m, busy, SyncMode.INCREMENTAL, 'SCHEDULE'));
    for (const c of [few, many, paused, busy]) await age(c.connectorId, 5);

    expect(await requests.enqueueRuns(1000, 10, 30)).toBe(2);
    const modes = async (c: { connectorId: string }) => (await runs.findActive(c.connectorId))?.mode ?? null;
    expect(await modes(few)).toBe(SyncMode.REFRESH);
    expect(await modes(many)).toBe(SyncMode.INCREMENTAL);
    expect(await modes(fresh)).toBeNull(); // its webhook is younger than the coalescing window
    expect(await modes(paused)).toBeNull();
    expect((await runs.findActive(busy.connectorId))?.id).toBe(running.id);
  });

  it('prunes successful REFRESH runs after a few days, other runs after the retention period', async () => {
    const c = await seedConnector(db.ds);
    const add = (mode: string, status: string, daysAgo: number) =>
      db.ds.query(
        `INSERT INTO sync_runs (tenant_id, connector_id, mode, status, created_at, finished_at)
         VALUES ($1, $2, $3, $4, now() - make_interval(days => $5), now() - make_interval(days => $5)) RETURNING id`,
        [c.tenantId, c.connectorId, mode, status, daysAgo],
      );
    await add('REFRESH', 'SUCCEEDED', 3);
    const [failedRefresh] = await add('REFRESH', 'FAILED', 3);
    const [poll] = await add('INCREMENTAL', 'SUCCEEDED', 3);
    const [latest] = await add('REFRESH', 'SUCCEEDED', 1);
    await runs.pruneFinished(90, 2);
    const left = await db.ds.query(`SELECT id FROM sync_runs WHERE connector_id = $1 ORDER BY created_at`, [c.connectorId]);
    expect(left.map((r: { id: string }) => r.id).sort()).toEqual([failedRefresh.id, poll.id, latest.id].sort());
  });
});
