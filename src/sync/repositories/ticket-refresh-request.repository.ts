import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { REFRESH_WAKEUP_PAYLOAD } from '../intake/intake.constants';
import { WAKEUP_CHANNEL } from '../sync.constants';

export interface PendingRefresh {
  ticketExternalId: string;
  seq: string;
  firstReceivedAt: Date;
}

/**
 * The durable queue of ticket re-reads that webhooks ask for: one row per connector and ticket
 * (duplicates fold into it), the only SQL on `ticket_refresh_requests`.
 */
@Injectable()
export class TicketRefreshRequestRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records a webhook in one statement (one round trip, atomic): the request (a duplicate moves its
   * `seq`, so a pass already reading the ticket leaves it for another pass), the connector's
   * `last_webhook_at`, and for a new request a NOTIFY delivered at commit that wakes the schedulers.
   */
  async record(c: { tenantId: string; connectorId: string }, ticketExternalId: string): Promise<void> {
    await this.dataSource.query(
      `WITH req AS (
         INSERT INTO ticket_refresh_requests (connector_id, ticket_external_id, tenant_id) VALUES ($1, $2, $3)
         ON CONFLICT (connector_id, ticket_external_id) DO UPDATE
           SET last_received_at = now(), seq = nextval('ticket_refresh_seq')
         RETURNING (xmax = 0) AS inserted
       ), seen AS (
         UPDATE connector_webhooks SET last_webhook_at = now() WHERE connector_id = $1 RETURNING 1
       )
       SELECT pg_notify($4, $5) FROM req WHERE inserted`,
      [c.connectorId, ticketExternalId, c.tenantId, WAKEUP_CHANNEL, REFRESH_WAKEUP_PAYLOAD],
    );
  }

  /**
   * Scheduler: a run for every ACTIVE connector whose oldest request has waited `coalesceMs` (the
   * webhooks of one burst make one run): REFRESH, or its normal INCREMENTAL walk when more than
   * `walkAbove` tickets wait. Nothing while the connector has a run queued or running.
   */
  async enqueueRuns(coalesceMs: number, walkAbove: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger)
       SELECT c.tenant_id, c.id, CASE WHEN p.n > $2 THEN 'INCREMENTAL' ELSE 'REFRESH' END, 'WEBHOOK'
         FROM (SELECT connector_id, count(*) AS n, min(first_received_at) AS oldest
                 FROM ticket_refresh_requests GROUP BY connector_id) p
         JOIN connectors c ON c.id = p.connector_id
        WHERE c.status = 'ACTIVE' AND p.oldest <= now() - make_interval(secs => $1)
       ON CONFLICT (connector_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING
       RETURNING id`,
      [coalesceMs / 1000, walkAbove],
    );
    return rows.length;
  }

  /** The oldest `limit` requests of a connector (what one refresh pass works off) and how many there are. */
  async pending(connectorId: string, limit: number): Promise<{ requests: PendingRefresh[]; total: number }> {
    const requests = await queryRows<PendingRefresh>(
      this.dataSource,
      `SELECT ticket_external_id::text AS "ticketExternalId", seq::text AS seq, first_received_at AS "firstReceivedAt"
         FROM ticket_refresh_requests WHERE connector_id = $1 ORDER BY first_received_at, ticket_external_id LIMIT $2`,
      [connectorId, limit],
    );
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM ticket_refresh_requests WHERE connector_id = $1`, [
      connectorId,
    ]);
    return { requests, total };
  }

  /**
   * Done: removed unless another webhook for the ticket arrived since it was read (its seq moved
   * on); such a request stays for another pass, counted from that newer webhook.
   */
  async complete(m: EntityManager, connectorId: string, done: { ticketExternalId: string; seq: string }[]): Promise<void> {
    if (!done.length) return;
    const ids = done.map((d) => d.ticketExternalId);
    await m.query(
      `DELETE FROM ticket_refresh_requests r USING unnest($2::bigint[], $3::bigint[]) AS d(ticket_external_id, seq)
        WHERE r.connector_id = $1 AND r.ticket_external_id = d.ticket_external_id AND r.seq <= d.seq`,
      [connectorId, ids, done.map((d) => d.seq)],
    );
    await m.query(
      `UPDATE ticket_refresh_requests SET first_received_at = last_received_at WHERE connector_id = $1 AND ticket_external_id = ANY($2::bigint[])`,
      [connectorId, ids],
    );
  }

  /**
   * A complete walk (INCREMENTAL or FULL run `runId`) read every change made before it started:
   * requests received before then are answered (a webhook is sent after its change).
   */
  async completeReceivedBefore(connectorId: string, runId: string): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM ticket_refresh_requests
        WHERE connector_id = $1 AND last_received_at < (SELECT started_at FROM sync_runs WHERE id = $2) RETURNING 1`,
      [connectorId, runId],
    );
    return rows.length;
  }
}
