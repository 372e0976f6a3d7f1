import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { RUN_COLUMNS, SyncRunRow } from './sync-run.row';

/**
 * An operator's hand on a connector's current run: cancel it (the connector stays ACTIVE) or end
 * its wait before a retry. A running run's next page is fenced off by the cleared claim token,
 * so it stops there and rolls that page back; what it stored before is kept.
 */
@Injectable()
export class SyncRunControlRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Of the given runs, those waiting to retry after a failure: their claims so far and when the next may start. */
  async retryStates(tenantId: string, runIds: readonly string[]): Promise<Map<string, { attempt: number; nextTryAt: Date }>> {
    const rows: { id: string; attempts: number; nextTryAt: Date }[] = await this.dataSource.query(
      `SELECT id, attempts, greatest(lease_expires_at, now()) AS "nextTryAt" FROM sync_runs
        WHERE tenant_id = $1 AND id = ANY($2::uuid[]) AND status = 'QUEUED' AND error IS NOT NULL`,
      [tenantId, runIds],
    );
    return new Map(rows.map((r) => [r.id, { attempt: r.attempts, nextTryAt: new Date(r.nextTryAt) }]));
  }

  /**
   * Cancels the queued or running run, if any. The connector is next due at the normal poll cadence,
   * `pollSeconds` at most its interval (as after a successful poll): a cancel stops this run, not polling.
   */
  async cancelActive(
    m: EntityManager,
    c: { tenantId: string; connectorId: string },
    poll: { pollSeconds: number },
  ): Promise<SyncRunRow | null> {
    const rows = await queryRows<SyncRunRow>(
      m,
      `UPDATE sync_runs SET status = 'CANCELLED', phase = 'cancelled', finished_at = now(),
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
        WHERE tenant_id = $2 AND connector_id = $1 AND status IN ('QUEUED','RUNNING')
      RETURNING ${RUN_COLUMNS}`,
      [c.connectorId, c.tenantId],
    );
    if (!rows.length) return null;
    // Runs stay on the Citus coordinator, connectors on the tenant's node: separate statements. The interval is
    // read first: Citus refuses now() + a column in an UPDATE of a distributed table.
    const [connector] = await m.query(`SELECT sync_interval_minutes AS minutes FROM connectors WHERE tenant_id = $2 AND id = $1`, [
      c.connectorId,
      c.tenantId,
    ]);
    if (connector) {
      await m.query(
        `UPDATE connectors SET next_sync_at = now() + make_interval(secs => $3), updated_at = now()
          WHERE tenant_id = $2 AND id = $1 AND status = 'ACTIVE'`,
        [c.connectorId, c.tenantId, Math.min(poll.pollSeconds, connector.minutes * 60)],
      );
    }
    return rows[0];
  }

  /** A run waiting to retry (QUEUED with a later time) may be claimed at once. */
  async retryNow(m: EntityManager, c: { tenantId: string; connectorId: string }): Promise<SyncRunRow | null> {
    const rows = await queryRows<SyncRunRow>(
      m,
      `UPDATE sync_runs SET lease_expires_at = now()
        WHERE tenant_id = $2 AND connector_id = $1 AND status = 'QUEUED'
      RETURNING ${RUN_COLUMNS}`,
      [c.connectorId, c.tenantId],
    );
    return rows[0] ?? null;
  }
}
