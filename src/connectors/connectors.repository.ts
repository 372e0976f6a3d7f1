import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** How a failed run is recorded on its connector. */
export interface SyncFailureRecord {
  message: string;
  code: string;
  needsUser: boolean;
  retryInMs: number;
}

/** The SQL of the connectors module beyond TypeORM's entity repository (sync bookkeeping, checks). */
@Injectable()
export class ConnectorsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether anything was synced for the connector (tickets, messages or a watermark). */
  async hasSyncedData(connectorId: string): Promise<boolean> {
    const rows = await this.dataSource.query(
      `SELECT EXISTS (SELECT 1 FROM tickets WHERE connector_id = $1) OR EXISTS (SELECT 1 FROM messages WHERE connector_id = $1)
              OR EXISTS (SELECT 1 FROM sync_cursors WHERE connector_id = $1) AS synced`,
      [connectorId],
    );
    return rows[0].synced === true;
  }

  /**
   * A poll succeeded: the connector is healthy (back to ACTIVE if it was in ERROR) and due again:
   * after its own interval while webhooks arrive (a webhook authenticated within `webhooksLiveMs`;
   * the poll is then only the safety net), else after `pollSeconds` (at most its interval).
   */
  async recordSyncSuccess(m: EntityManager, connectorId: string, poll: { pollSeconds: number; webhooksLiveMs: number }): Promise<void> {
    await m.query(
      `UPDATE connectors c SET last_synced_at = now(), last_error = NULL, last_error_code = NULL,
              status = CASE WHEN status = 'ERROR' THEN 'ACTIVE' ELSE status END,
              next_sync_at = CASE WHEN status IN ('ACTIVE','ERROR') THEN now() + CASE
                WHEN EXISTS (SELECT 1 FROM connector_webhooks w WHERE w.connector_id = c.id
                                AND w.last_webhook_at > now() - make_interval(secs => $3))
                THEN make_interval(mins => sync_interval_minutes)
                ELSE LEAST(make_interval(secs => $2), make_interval(mins => sync_interval_minutes)) END END,
              updated_at = now()
        WHERE id = $1`,
      [connectorId, poll.pollSeconds, poll.webhooksLiveMs / 1000],
    );
  }

  /** A run failed: `needsUser` puts an ACTIVE connector in ERROR; otherwise it is due again after `retryInMs` at most. */
  async recordSyncFailure(m: EntityManager, connectorId: string, failure: SyncFailureRecord): Promise<void> {
    await m.query(
      `UPDATE connectors SET last_error = $2, last_error_code = $3,
              status = CASE WHEN $4 AND status = 'ACTIVE' THEN 'ERROR' ELSE status END,
              next_sync_at = CASE WHEN $4 OR status <> 'ACTIVE' THEN NULL
                                  ELSE now() + LEAST(make_interval(secs => $5), make_interval(mins => sync_interval_minutes)) END,
              updated_at = now()
        WHERE id = $1`,
      [connectorId, failure.message, failure.code, failure.needsUser, failure.retryInMs / 1000],
    );
  }
}
