import { Client } from 'pg';
import { LeaseLostError } from '../../src/sync/repositories/lease-lost.error';
import { SyncCursorRepository } from '../../src/sync/repositories/sync-cursor.repository';
import { SyncLogRepository } from '../../src/sync/repositories/sync-log.repository';
import { SyncNotifyRepository } from '../../src/sync/repositories/sync-notify.repository';
import { SyncRunRepository } from '../../src/sync/repositories/sync-run.repository';
import { SyncLogLevel, SyncMode, SyncRunStatus } from '../../src/sync/sync-run.types';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

describe('sync repositories (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let scope: { tenantId: string; connectorId: string };
  let runs: SyncRunRepository;

  beforeAll(async () => {
    db = await openIntegrationDb();
    scope = await seedConnector(db.ds);
    runs = new SyncRunRepository(db.ds);
  });
  afterAll(() => db?.close());

  it('queues one run per connector, lets one owner claim it, and fences every write by the lease', async () => {
    const first = await db.ds.transaction((m) => runs.enqueue(m, scope, SyncMode.INCREMENTAL, 'MANUAL'));
    const again = await db.ds.transaction((m) => runs.enqueue(m, scope, SyncMode.FULL, 'MANUAL'));
    expect(again.id).toBe(first.id);
    const [claimed] = await runs.claim('a', 4, 60);
    expect(claimed).toMatchObject({ id: first.id, status: SyncRunStatus.RUNNING, leaseOwner: 'a', attempts: 1 });
    expect(await runs.claim('b', 4, 60)).toEqual([]);
    const run = { id: first.id, token: claimed.leaseToken!, leaseSeconds: 60 };
    const other = '00000000-0000-4000-8000-000000000000';
    await db.ds.transaction((m) =>
      runs.checkpoint(m, run, 'reading messages', { stage: 'messages' }, { messagesSynced: 7, percent: 12.5 }),
    );
    await expect(db.ds.transaction((m) => runs.checkpoint(m, { ...run, token: other }, 'x', {}, {}))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await runs.renewLease({ id: first.id, token: other }, 60)).toBe(false);
    expect(await runs.renewLease(run, 60)).toBe(true);
    // Handed back at shutdown: claimable at once, and the hand-back is not an attempt.
    expect(await runs.releaseOwned('a')).toBe(1);
    const [resumed] = await runs.claim('b', 4, 60);
    expect(resumed).toMatchObject({ id: first.id, attempts: 1, checkpoint: { stage: 'messages' }, messagesSynced: 7, percent: 12.5 });
    await expect(db.ds.transaction((m) => runs.finish(m, run, SyncRunStatus.SUCCEEDED, { phase: 'done' }))).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    await db.ds.transaction((m) =>
      runs.finish(m, { id: first.id, token: resumed.leaseToken! }, SyncRunStatus.SUCCEEDED, { phase: 'done' }),
    );
    const { rows, totalCount } = await runs.listPage(scope, 10);
    expect(totalCount).toBe(1);
    expect(rows[0]).toMatchObject({ status: SyncRunStatus.SUCCEEDED, percent: 100 });
    expect((await runs.latestOf([scope.connectorId])).get(scope.connectorId)?.id).toBe(first.id);
  });

  it('requeues a failed attempt for later, and prunes finished history but the latest run', async () => {
    const run = await db.ds.transaction((m) => runs.enqueue(m, scope, SyncMode.INCREMENTAL, 'SCHEDULE'));
    const [claimed] = await runs.claim('a', 1, 60);
    await runs.requeue({ id: run.id, token: claimed.leaseToken! }, 60_000, 'Gorgias is down', {});
    expect(await runs.claim('a', 1, 60)).toEqual([]); // not before its retry time
    expect(await runs.findActive(scope.connectorId)).toMatchObject({ id: run.id, status: SyncRunStatus.QUEUED, error: 'Gorgias is down' });
    await db.ds.query(`UPDATE sync_runs SET status = 'FAILED', finished_at = now() - interval '40 days' WHERE id = $1`, [run.id]);
    await db.ds.query(
      `UPDATE sync_runs SET finished_at = now() - interval '50 days', created_at = now() - interval '50 days' WHERE id <> $1`,
      [run.id],
    );
    expect(await runs.pruneFinished(30)).toBe(1); // the older one; the latest (also old) stays
    expect((await runs.listPage(scope, 10)).rows.map((r) => r.id)).toEqual([run.id]);
  });

  it('moves watermarks only forward', async () => {
    const cursors = new SyncCursorRepository(db.ds);
    await db.ds.transaction((m) => cursors.setWatermark(m, scope, 'tickets', '2025-02-01T00:00:00Z', new Date()));
    await db.ds.transaction((m) => cursors.setWatermark(m, scope, 'tickets', '2025-01-01T00:00:00Z', new Date()));
    expect((await cursors.watermarks(scope.connectorId)).tickets?.toISOString()).toBe('2025-02-01T00:00:00.000Z');
  });

  it('pages the sync log newest first with filters', async () => {
    const logs = new SyncLogRepository(db.ds);
    for (const level of [SyncLogLevel.INFO, SyncLogLevel.WARN, SyncLogLevel.INFO])
      await logs.insert(scope, level, `${level} line ${'x'.repeat(5000)}`);
    const all = await logs.listPage(scope, {}, 2);
    expect(all.totalCount).toBe(3);
    expect(all.rows).toHaveLength(3); // first + 1 says there is more
    expect(all.rows[0].message.length).toBe(4000);
    const warn = await logs.listPage(scope, { level: SyncLogLevel.WARN }, 10);
    expect(warn.rows.map((r) => r.level)).toEqual([SyncLogLevel.WARN]);
    expect((await logs.listPage(scope, {}, 10, all.rows[1].id)).rows).toHaveLength(1);
  });

  it('delivers a NOTIFY sent through a transaction at its COMMIT, and never when it rolls back', async () => {
    const notify = new SyncNotifyRepository(db.ds);
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const heard: string[] = [];
    listener.on('notification', (n) => heard.push(n.payload ?? ''));
    await listener.query('LISTEN it_channel');
    try {
      await db.ds.transaction(async (m) => {
        await notify.notify('it_channel', 'committed', m);
        await new Promise((r) => setTimeout(r, 300));
        expect(heard).toEqual([]); // not before COMMIT
      });
      await expect(
        db.ds.transaction(async (m) => {
          await notify.notify('it_channel', 'rolled back', m);
          throw new Error('rollback');
        }),
      ).rejects.toThrow('rollback');
      await notify.notify('it_channel', 'marker');
      for (let i = 0; i < 50 && !heard.includes('marker'); i++) await new Promise((r) => setTimeout(r, 50));
      expect(heard).toEqual(['committed', 'marker']);
    } finally {
      await listener.end();
    }
  });
});
