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
   * `seq`, so a pass already reading the ticket leaves it for another pass) and the connector's
   * `last_webhook_at`, both on the tenant's node; then, for a new request, a NOTIFY that wakes the
   * schedulers. The NOTIFY is its own statement so that it runs on the coordinator, where the schedulers
   * listen (inside a statement Citus routes to a worker it would be sent there); after the commit, the
   * request is already visible to the run it wakes.
   */
  async record(c: { tenantId: string; connectorId: string }, ticketExternalId: string): Promise<void> {
    const rows = await queryRows<{ inserted: boolean }>(
      this.dataSource,
      `WITH req AS (
         INSERT INTO ticket_refresh_requests (connector_id, ticket_external_id, tenant_id) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, connector_id, ticket_external_id) DO UPDATE
           -- the inserted row's defaults (now(), a new seq): Citus takes only immutable functions in DO UPDATE
           SET last_received_at = EXCLUDED.last_received_at, seq = EXCLUDED.seq
         RETURNING (xmax = 0) AS inserted
       ), seen AS (
         UPDATE connector_webhooks SET last_webhook_at = now() WHERE tenant_id = $3 AND connector_id = $1 RETURNING 1
       )
       SELECT inserted FROM req`,
      [c.connectorId, ticketExternalId, c.tenantId],
    );
    if (rows[0]?.inserted) await this.dataSource.query(`SELECT pg_notify($1, $2)`, [WAKEUP_CHANNEL, REFRESH_WAKEUP_PAYLOAD]);
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
         FROM (SELECT tenant_id, connector_id, count(*) AS n, min(first_received_at) AS oldest
                 FROM ticket_refresh_requests GROUP BY tenant_id, connector_id) p
         JOIN connectors c ON c.tenant_id = p.tenant_id AND c.id = p.connector_id
        WHERE c.status = 'ACTIVE' AND p.oldest <= now() - make_interval(secs => $1)
       ON CONFLICT (connector_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING
       RETURNING id`,
      [coalesceMs / 1000, walkAbove],
    );
    return rows.length;
  }

  /** The oldest `limit` requests of a connector (what one refresh pass works off) and how many there are. */
  async pending(c: { tenantId: string; connectorId: string }, limit: number): Promise<{ requests: PendingRefresh[]; total: number }> {
    const requests = await queryRows<PendingRefresh>(
      this.dataSource,
      `SELECT ticket_external_id::text AS "ticketExternalId", seq::text AS seq, first_received_at AS "firstReceivedAt"
         FROM ticket_refresh_requests WHERE tenant_id = $3 AND connector_id = $1
        ORDER BY first_received_at, ticket_external_id LIMIT $2`,
      [c.connectorId, limit, c.tenantId],
    );
    const [{ total }] = await this.dataSource.query(
      `SELECT count(*)::int AS total FROM ticket_refresh_requests WHERE tenant_id = $2 AND connector_id = $1`,
      [c.connectorId, c.tenantId],
    );
    return { requests, total };
  }

  /**
   * Done: removed unless another webhook for the ticket arrived since it was read (its seq moved
   * on); such a request stays for another pass, counted from that newer webhook.
   */
  async complete(
    m: EntityManager,
    c: { tenantId: string; connectorId: string },
    done: { ticketExternalId: string; seq: string }[],
  ): Promise<void> {
    if (!done.length) return;
    const ids = done.map((d) => d.ticketExternalId);
    await m.query(
      `DELETE FROM ticket_refresh_requests r USING unnest($2::bigint[], $3::bigint[]) AS d(ticket_external_id, seq)
        WHERE r.tenant_id = $4 AND r.connector_id = $1 AND r.ticket_external_id = d.ticket_external_id AND r.seq <= d.seq`,
      [c.connectorId, ids, done.map((d) => d.seq), c.tenantId],
    );
    await m.query(
      `UPDATE ticket_refresh_requests SET first_received_at = last_received_at
        WHERE tenant_id = $3 AND connector_id = $1 AND ticket_external_id = ANY($2::bigint[])`,
      [c.connectorId, ids, c.tenantId],
    );
  }

  /**
   * A complete walk (INCREMENTAL or FULL run `runId`) read every change made before it started:
   * requests received before then are answered (a webhook is sent after its change).
   */
  async completeReceivedBefore(c: { tenantId: string; connectorId: string }, runId: string): Promise<number> {
    // The run's start is read first: sync_runs stays on the coordinator, the requests on the tenant's node.
    const [run] = await this.dataSource.query(`SELECT started_at FROM sync_runs WHERE id = $1`, [runId]);
    if (!run?.started_at) return 0;
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM ticket_refresh_requests WHERE tenant_id = $3 AND connector_id = $1 AND last_received_at < $2 RETURNING 1`,
      [c.connectorId, run.started_at, c.tenantId],
    );
    return rows.length;
  }
}
