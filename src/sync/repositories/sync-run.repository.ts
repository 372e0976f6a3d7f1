import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { LeaseLostError } from './lease-lost.error';
import { SyncCheckpoint, SyncMode, SyncRunStatus } from '../sync-run.types';
import { RUN_COLUMNS, RUN_SUMMARY_COLUMNS, RunCounters, SyncRunRow } from './sync-run.row';
import { MAX_CLAIM_ATTEMPTS } from '../sync.constants';

/**
 * SQL condition: the connector has no run, or its latest run had ended before `seenAt` (a scan's
 * `now()`): what that scan saw of the connector is then what the run left. A run still active in the
 * statement's snapshot fails it too, not only the unique active run: a run that ends while the INSERT
 * runs is past the conflict check (which reads the committed row) but not past this condition (which
 * saw it running).
 */
export function latestRunEndedBefore(connectorId: string, seenAt: string): string {
  return `NOT coalesce((SELECT l.status IN ('QUEUED','RUNNING') OR l.finished_at >= ${seenAt}::timestamptz FROM sync_runs l
                        WHERE l.connector_id = ${connectorId} ORDER BY l.created_at DESC, l.id DESC LIMIT 1), false)`;
}

/**
 * Sync runs as a work queue in PostgreSQL. Claims use FOR UPDATE SKIP LOCKED so several instances
 * never take the same run; every write of a running run is fenced by its claim's token, so an
 * execution whose lease was lost (it stalled, another claim took over, even by the same instance)
 * cannot write over the new one.
 */
@Injectable()
export class SyncRunRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Enqueues a run unless one is queued or running; returns the active run either way. */
  async enqueue(m: EntityManager, c: { tenantId: string; connectorId: string }, mode: SyncMode, trigger: string): Promise<SyncRunRow> {
    await m.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger) VALUES ($1, $2, $3, $4)
       ON CONFLICT (connector_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING`,
      [c.tenantId, c.connectorId, mode, trigger],
    );
    const [run] = await m.query(`SELECT ${RUN_COLUMNS} FROM sync_runs WHERE connector_id = $1 AND status IN ('QUEUED','RUNNING')`, [
      c.connectorId,
    ]);
    return run;
  }

  /**
   * Scheduler: a queued run for every ACTIVE connector that is due. Two statements, like the webhook
   * runs' (ticket-refresh-request.repository.ts): the due connectors (on the tenants' nodes), then
   * the runs (on the coordinator) of those whose latest run had ended before the scan began. A run
   * ending meanwhile moved its connector's `next_sync_at`, which the scan did not see: one statement
   * saw the connector due and the run running, then found no active run to conflict with once the run
   * had ended, and queued a poll right after the one that had just ended (issue 27's frequent polls
   * make that window common). The instance that ran it passes again once it ended, so nothing waits.
   */
  async enqueueDue(): Promise<number> {
    const due = await queryRows<{ tenantId: string; connectorId: string; seenAt: Date }>(
      this.dataSource,
      `SELECT tenant_id AS "tenantId", id AS "connectorId", now() AS "seenAt" FROM connectors
        WHERE status = 'ACTIVE' AND next_sync_at <= now()`,
    );
    if (!due.length) return 0;
    const rows = await this.dataSource.query(
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger)
       SELECT d.tenant_id, d.connector_id, 'INCREMENTAL', 'SCHEDULE'
         FROM unnest($1::text[], $2::uuid[]) AS d(tenant_id, connector_id)
        WHERE ${latestRunEndedBefore('d.connector_id', '$3')}
       ON CONFLICT (connector_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING
       RETURNING id`,
      [due.map((d) => d.tenantId), due.map((d) => d.connectorId), due[0].seenAt],
    );
    return rows.length;
  }

  /**
   * Runs whose lease expired after `maxAttempts` claims: every instance that took them stopped
   * without recording an outcome (it crashed, or something fails before the run can report). They
   * end FAILED instead of being claimed forever, and their connector waits for its next interval. Several
   * statements, one transaction: Citus plans none that modifies a local table (runs) and joins a distributed
   * one, nor now() inside a CASE or now() + a column in an UPDATE (hence the due time apart, as now() + CASE).
   */
  async failAbandoned(maxAttempts: number, message: string): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const abandoned = await queryRows<{ tenant_id: string; connector_id: string }>(
        m,
        `UPDATE sync_runs SET status = 'FAILED', phase = 'failed', error = $2, error_code = 'ABANDONED', finished_at = now(),
                lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
          WHERE status = 'RUNNING' AND lease_expires_at < now() AND attempts >= $1
         RETURNING tenant_id, connector_id`,
        [maxAttempts, message],
      );
      for (const { tenant_id, connector_id } of abandoned) {
        const set = (sql: string, ...more: unknown[]) => m.query(`UPDATE connectors SET ${sql}`, [tenant_id, connector_id, ...more]);
        await set(`last_error = $3, last_error_code = 'ABANDONED', updated_at = now() WHERE tenant_id = $1 AND id = $2`, message);
        await set(`next_sync_at = now() + CASE WHEN status = 'ACTIVE' THEN make_interval(mins => sync_interval_minutes) END
                    WHERE tenant_id = $1 AND id = $2 AND status = 'ACTIVE'`);
      }
      return abandoned.length;
    });
  }

  /**
   * Takes up to `limit` runs, oldest due first: queued ones whose (retry) time has come, and running
   * ones whose lease expired (their instance died) fewer than `maxAttempts` times: those resume from
   * their checkpoint. Each claim gets a new fencing token. `executing`: runs this instance still
   * executes (one that stalled past its lease): never claimed again by it. `kind` 'long' takes only
   * initial and FULL runs, 'short' only the others, so the scheduler can keep room for short runs
   * while large initial syncs run.
   */
  async claim(
    owner: string,
    limit: number,
    leaseSeconds: number,
    maxAttempts = MAX_CLAIM_ATTEMPTS,
    executing: readonly string[] = [],
    kind: 'short' | 'long' | 'any' = 'any',
  ): Promise<SyncRunRow[]> {
    if (limit <= 0) return [];
    return queryRows<SyncRunRow>(
      this.dataSource,
      `UPDATE sync_runs r
          SET status = 'RUNNING', lease_owner = $1, lease_token = gen_random_uuid(), lease_expires_at = now() + make_interval(secs => $3),
              attempts = r.attempts + 1, started_at = coalesce(r.started_at, now())
        WHERE r.id IN (
          SELECT s.id FROM sync_runs s
           WHERE ((s.status = 'QUEUED' AND coalesce(s.lease_expires_at, '-infinity') <= now())
                  OR (s.status = 'RUNNING' AND s.lease_expires_at < now() AND s.attempts < $4))
             AND NOT (s.id = ANY($5::uuid[]))
             AND ($6 = 'any' OR ($6 = 'long') = (s.mode = 'FULL' OR NOT EXISTS (
                   SELECT 1 FROM sync_cursors sc WHERE sc.connector_id = s.connector_id AND sc.stream = 'tickets')))
           ORDER BY coalesce(s.lease_expires_at, s.created_at)
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
      RETURNING ${RUN_COLUMNS}`,
      [owner, limit, leaseSeconds, maxAttempts, [...executing], kind],
    );
  }

  /**
   * Saves the checkpoint and counters inside the caller's transaction (the one that upserted the
   * page) and renews the lease. Throws LeaseLostError if this claim no longer holds the run,
   * which rolls the page back. Returns the connector's status, so a pause is noticed.
   */
  async checkpoint(
    m: EntityManager,
    run: { id: string; token: string; leaseSeconds: number },
    phase: string,
    checkpoint: SyncCheckpoint,
    counters: RunCounters,
  ): Promise<{ connectorStatus: string }> {
    const rows = await queryRows<{ tenantId: string; connectorId: string }>(
      m,
      `UPDATE sync_runs r SET phase = $3, checkpoint = $4,
              tickets_synced = coalesce($5, tickets_synced), messages_synced = coalesce($6, messages_synced),
              tickets_deleted = coalesce($7, tickets_deleted), api_requests = coalesce($8, api_requests),
              rate_limit_waits = coalesce($9, rate_limit_waits), tickets_total = coalesce($10, tickets_total),
              lease_expires_at = now() + make_interval(secs => $11), percent = coalesce($12, percent),
              tickets_read = coalesce($13, tickets_read), messages_read = coalesce($14, messages_read)
        WHERE r.id = $1 AND r.lease_token = $2 AND r.status = 'RUNNING'
      RETURNING r.tenant_id AS "tenantId", r.connector_id AS "connectorId"`,
      [
        run.id,
        run.token,
        phase,
        JSON.stringify(checkpoint),
        counters.ticketsSynced ?? null,
        counters.messagesSynced ?? null,
        counters.ticketsDeleted ?? null,
        counters.apiRequests ?? null,
        counters.rateLimitWaits ?? null,
        counters.ticketsTotal ?? null,
        run.leaseSeconds,
        counters.percent ?? null,
        counters.ticketsRead ?? null,
        counters.messagesRead ?? null,
      ],
    );
    if (!rows.length) throw new LeaseLostError(run.id);
    // Read apart from the run's update: the run is coordinator-local, the connector on its tenant's node.
    const [connector] = await queryRows<{ connectorStatus: string }>(
      m,
      `SELECT status AS "connectorStatus" FROM connectors WHERE tenant_id = $1 AND id = $2`,
      [rows[0].tenantId, rows[0].connectorId],
    );
    return { connectorStatus: connector?.connectorStatus };
  }

  /** Keeps the lease alive while one page takes long (rate-limit waits, retries). False: the lease is gone. */
  async renewLease(run: { id: string; token: string }, leaseSeconds: number): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE sync_runs SET lease_expires_at = now() + make_interval(secs => $3)
        WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING' RETURNING id`,
      [run.id, run.token, leaseSeconds],
    );
    return rows.length > 0;
  }

  /** Ends a run (fenced): SUCCEEDED, FAILED or CANCELLED. */
  async finish(
    m: EntityManager,
    run: { id: string; token: string },
    status: SyncRunStatus,
    fields: { error?: string | null; errorCode?: string | null; phase: string } & RunCounters,
  ): Promise<void> {
    const rows = await queryRows(
      m,
      `UPDATE sync_runs SET status = $3, phase = $4, error = $5, error_code = $6, finished_at = now(),
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
              tickets_synced = coalesce($7, tickets_synced), messages_synced = coalesce($8, messages_synced),
              tickets_deleted = coalesce($9, tickets_deleted), api_requests = coalesce($10, api_requests),
              rate_limit_waits = coalesce($11, rate_limit_waits),
              tickets_read = coalesce($12, tickets_read), messages_read = coalesce($13, messages_read),
              percent = CASE WHEN $3 = 'SUCCEEDED' THEN 100 ELSE percent END
        WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING' RETURNING id`,
      [
        run.id,
        run.token,
        status,
        fields.phase,
        fields.error ?? null,
        fields.errorCode ?? null,
        fields.ticketsSynced ?? null,
        fields.messagesSynced ?? null,
        fields.ticketsDeleted ?? null,
        fields.apiRequests ?? null,
        fields.rateLimitWaits ?? null,
        fields.ticketsRead ?? null,
        fields.messagesRead ?? null,
      ],
    );
    if (!rows.length) throw new LeaseLostError(run.id);
  }

  /** Gives a run back to the queue after a transient failure; it resumes from its checkpoint after `delayMs`. */
  async requeue(run: { id: string; token: string }, delayMs: number, error: string, counters: RunCounters): Promise<void> {
    await this.dataSource.query(
      `UPDATE sync_runs SET status = 'QUEUED', phase = 'waiting to retry', lease_owner = NULL, lease_token = NULL,
              lease_expires_at = now() + make_interval(secs => $3), error = $4,
              api_requests = coalesce($5, api_requests), rate_limit_waits = coalesce($6, rate_limit_waits)
        WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING'`,
      [run.id, run.token, delayMs / 1000, error, counters.apiRequests ?? null, counters.rateLimitWaits ?? null],
    );
  }

  /**
   * An instance shutting down hands its running runs back to the queue at once, instead of making
   * another instance wait for the lease to expire. The hand-back does not count as an attempt; the
   * run's checkpoint is kept, and this instance's own writes are fenced off from now on.
   */
  async releaseOwned(owner: string): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE sync_runs SET status = 'QUEUED', phase = 'waiting to resume', lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL,
              attempts = greatest(attempts - 1, 0)
        WHERE lease_owner = $1 AND status = 'RUNNING' RETURNING id`,
      [owner],
    );
    return rows.length;
  }

  /**
   * History retention: finished runs older than `days` go (their log lines with them); the latest run of each
   * connector stays, so `latestRun` never empties. Successful REFRESH runs (many a day) go after `refreshDays`.
   */
  async pruneFinished(days: number, refreshDays = days): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const runs = await queryRows<{ id: string }>(
        m,
        `DELETE FROM sync_runs r
          WHERE r.status IN ('SUCCEEDED','FAILED','CANCELLED')
            AND r.finished_at < now() - make_interval(days => CASE WHEN r.mode = 'REFRESH' AND r.status = 'SUCCEEDED' THEN least($1::int, $2::int) ELSE $1::int END)
            AND r.id <> (SELECT l.id FROM sync_runs l WHERE l.connector_id = r.connector_id ORDER BY l.created_at DESC, l.id DESC LIMIT 1)
         RETURNING r.id`,
        [days, refreshDays],
      );
      // No foreign key from the distributed log and quarantine to the coordinator-local runs: their cascade is done here.
      if (runs.length) await m.query(`DELETE FROM sync_log_entries WHERE run_id = ANY($1::uuid[])`, [runs.map((r) => r.id)]);
      if (runs.length) await m.query(`UPDATE sync_quarantine SET run_id = NULL WHERE run_id = ANY($1::uuid[])`, [runs.map((r) => r.id)]);
      return runs.length;
    });
  }

  /** Cancels queued runs of a paused connector (a running one notices the pause at its next page). */
  async cancelQueued(m: EntityManager, connectorId: string): Promise<void> {
    await m.query(
      `UPDATE sync_runs SET status = 'CANCELLED', phase = 'cancelled', finished_at = now()
        WHERE connector_id = $1 AND status = 'QUEUED'`,
      [connectorId],
    );
  }

  findActive(connectorId: string): Promise<SyncRunRow | undefined> {
    return this.dataSource
      .query(`SELECT ${RUN_COLUMNS} FROM sync_runs WHERE connector_id = $1 AND status IN ('QUEUED','RUNNING')`, [connectorId])
      .then((rows) => rows[0]);
  }

  /**
   * One page of a connector's runs, newest first (keyset on created_at, id), and their total.
   * `includeQuiet: false` leaves out runs that succeeded without changing anything (quiet polls),
   * through the partial index that holds only the others (the predicate is repeated verbatim for it).
   */
  async listPage(
    scope: { tenantId: string; connectorId: string },
    first: number,
    after?: { createdAt: string; id: string },
    includeQuiet = true,
  ): Promise<{ rows: SyncRunRow[]; totalCount: number }> {
    const params: unknown[] = [scope.tenantId, scope.connectorId, first + 1];
    const quiet = includeQuiet ? '' : `AND (changed OR status <> 'SUCCEEDED')`;
    let keyset = '';
    if (after) {
      params.push(after.createdAt, after.id);
      keyset = `AND (created_at, id) < ($4::timestamptz, $5::uuid)`;
    }
    const rows: SyncRunRow[] = await this.dataSource.query(
      `SELECT ${RUN_SUMMARY_COLUMNS}
         FROM sync_runs WHERE tenant_id = $1 AND connector_id = $2 ${quiet} ${keyset}
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      params,
    );
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM sync_runs WHERE tenant_id = $1 AND connector_id = $2 ${quiet}`,
      [scope.tenantId, scope.connectorId],
    );
    return { rows, totalCount: count as number };
  }

  /** Latest run of each connector, in one query (DataLoader batch for Connector.latestRun). */
  async latestOf(connectorIds: readonly string[]): Promise<Map<string, SyncRunRow>> {
    const rows: SyncRunRow[] = await this.dataSource.query(
      `SELECT DISTINCT ON (connector_id) ${RUN_SUMMARY_COLUMNS}
         FROM sync_runs WHERE connector_id = ANY($1::uuid[])
        ORDER BY connector_id, created_at DESC, id DESC`,
      [connectorIds],
    );
    return new Map(rows.map((r) => [r.connectorId, r]));
  }
}
