import { SyncRunRepository } from '../../src/sync/repositories/sync-run.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

/**
 * The scheduler's polls: one run per due connector, and none for a connector whose run ends while the
 * scheduler queues (that run moved the connector's next poll; the scan saw the old one).
 */
describe('scheduled polls: enqueueDue', () => {
  let db: IntegrationDb;
  let runs: SyncRunRepository;

  beforeAll(async () => {
    db = await openIntegrationDb();
    runs = new SyncRunRepository(db.ds);
  });
  afterAll(() => db?.close());

  const runsOf = async (connectorId: string) =>
    (await db.ds.query(`SELECT status, trigger FROM sync_runs WHERE connector_id = $1 ORDER BY created_at, id`, [connectorId])).map(
      (r: { status: string; trigger: string }) => `${r.trigger} ${r.status}`,
    );

  it('queues a poll for a due connector whose last run ended, and none for one not due or with a run active', async () => {
    const due = await seedConnector(db.ds);
    const notDue = await seedConnector(db.ds);
    const busy = await seedConnector(db.ds);
    await db.ds.query(`UPDATE connectors SET next_sync_at = now() - interval '1 second' WHERE id = ANY($1::uuid[])`, [
      [due.connectorId, busy.connectorId],
    ]);
    await db.ds.query(`UPDATE connectors SET next_sync_at = now() + interval '1 minute' WHERE id = $1`, [notDue.connectorId]);
    await db.ds.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger, status, started_at, finished_at)
       VALUES ($1, $2, 'INCREMENTAL', 'SCHEDULE', 'SUCCEEDED', now() - interval '1 minute', now() - interval '50 seconds'),
              ($3, $4, 'INCREMENTAL', 'SCHEDULE', 'RUNNING', now(), NULL)`,
      [due.tenantId, due.connectorId, busy.tenantId, busy.connectorId],
    );
    await runs.enqueueDue();
    expect(await runsOf(due.connectorId)).toEqual(['SCHEDULE SUCCEEDED', 'SCHEDULE QUEUED']);
    expect(await runsOf(notDue.connectorId)).toEqual([]);
    expect(await runsOf(busy.connectorId)).toEqual(['SCHEDULE RUNNING']);
  });

  it('queues no poll for a connector whose run ends (moving its next poll) while the scheduler queues', async () => {
    const c = await seedConnector(db.ds);
    await db.ds.query(`UPDATE connectors SET next_sync_at = now() - interval '1 second' WHERE id = $1`, [c.connectorId]);
    const [run] = await db.ds.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger, status, started_at) VALUES ($1, $2, 'INCREMENTAL', 'SCHEDULE', 'RUNNING', now())
       RETURNING id`,
      [c.tenantId, c.connectorId],
    );
    // The run's finishing transaction: the run ended, the connector due again in 15 s; not committed yet.
    const finishing = db.ds.createQueryRunner();
    await finishing.connect();
    try {
      await finishing.startTransaction();
      await finishing.query(`UPDATE sync_runs SET status = 'SUCCEEDED', finished_at = now() WHERE id = $1`, [run.id]);
      await finishing.query(`UPDATE connectors SET next_sync_at = now() + interval '15 seconds' WHERE id = $1`, [c.connectorId]);
      const queued = runs.enqueueDue();
      await new Promise((r) => setTimeout(r, 300)); // the scheduler is under way (it would wait on the run's row)
      await finishing.commitTransaction();
      await queued;
    } finally {
      await finishing.release();
    }
    expect(await runsOf(c.connectorId)).toEqual(['SCHEDULE SUCCEEDED']);
    // Once due again, the next pass queues its poll.
    await db.ds.query(`UPDATE connectors SET next_sync_at = now() - interval '1 second' WHERE id = $1`, [c.connectorId]);
    await runs.enqueueDue();
    expect(await runsOf(c.connectorId)).toEqual(['SCHEDULE SUCCEEDED', 'SCHEDULE QUEUED']);
  });
});
