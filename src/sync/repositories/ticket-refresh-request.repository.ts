import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { REFRESH_REREAD_DEFER_MS } from '../engine/refresh/refresh.constants';
import { REFRESH_WAKEUP_PAYLOAD } from '../intake/intake.constants';
import { WAKEUP_CHANNEL } from '../sync.constants';
import { webhookCallsSpentSql } from './webhook-budget.repository';

/** See enqueueRuns. Exported for the test that EXPLAINs it. */
export const ENQUEUE_WEBHOOK_RUNS_SQL = `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger)
  SELECT c.tenant_id, c.id, CASE WHEN s.walk_requested_at IS NOT NULL OR p.n > $2 THEN 'INCREMENTAL' ELSE 'REFRESH' END, 'WEBHOOK'
    FROM webhook_refresh_state s
    JOIN connectors c ON c.id = s.connector_id
    CROSS JOIN LATERAL (SELECT count(*) AS n FROM ticket_refresh_requests r WHERE r.connector_id = s.connector_id) p
   WHERE s.due_since <= now() - make_interval(secs => $1)
     AND c.status = 'ACTIVE'
     AND (p.n > 0 OR s.walk_requested_at IS NOT NULL)
     AND (${webhookCallsSpentSql('s.connector_id')}) < $3
  ON CONFLICT (connector_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING
  RETURNING id`;

/** What `record` did with a webhook (see there). */
export type RecordOutcome = 'RECORDED' | 'FOLDED' | 'MISSING';

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
   * Records an authentic webhook of an ACTIVE connector, in one transaction that first locks the
   * connector's `webhook_refresh_state` row (every writer of its requests does, in that order: the
   * count below is exact across instances, and no two writers deadlock):
   * - MISSING: Gorgias answered 404 for this id lately (a forged or deleted ticket): nothing is held;
   * - an id re-read in the last REFRESH_REREAD_DEFER_MS is held, but due only that long after its
   *   read (the schedulers time their tick to it): repeating one id cannot make a run of every delivery, and a
   *   real second change is read seconds later, not lost;
   * - FOLDED: the connector already holds `maxPending` requests: only the walk marker is kept (the
   *   next webhook run is the incremental walk, which reads every change anyway);
   * - RECORDED: the request (a duplicate moves its `seq`, so a pass already reading the ticket leaves
   *   it for another pass); a new request or marker NOTIFYs the schedulers at commit.
   * Every outcome sets the connector's `last_webhook_at` (the deliveries are authentic).
   */
  async record(c: { tenantId: string; connectorId: string }, ticketExternalId: string, maxPending: number): Promise<RecordOutcome> {
    // One statement for what the intake needs to know, after the lock below.
    const seenSql = `SELECT
        EXISTS (SELECT 1 FROM webhook_answered_tickets WHERE connector_id = $1 AND ticket_external_id = $2 AND not_found AND until > now()) AS missing,
        (SELECT until FROM webhook_answered_tickets WHERE connector_id = $1 AND ticket_external_id = $2 AND NOT not_found AND until > now()) AS "deferUntil",
        EXISTS (SELECT 1 FROM ticket_refresh_requests WHERE connector_id = $1 AND ticket_external_id = $2) AS held,
        (SELECT count(*) FROM ticket_refresh_requests WHERE connector_id = $1)::int AS total,
        (SELECT walk_requested_at IS NOT NULL FROM webhook_refresh_state WHERE connector_id = $1) AS walking`;
    return this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO webhook_refresh_state (connector_id) VALUES ($1)
         ON CONFLICT (connector_id) DO UPDATE SET connector_id = EXCLUDED.connector_id`,
        [c.connectorId],
      );
      await m.query(`UPDATE connector_webhooks SET last_webhook_at = now() WHERE connector_id = $1`, [c.connectorId]);
      const [seen] = await m.query(seenSql, [c.connectorId, ticketExternalId]);
      if (seen.missing) return 'MISSING';
      if (!seen.held && seen.total >= maxPending) {
        await m.query(
          `UPDATE webhook_refresh_state SET walk_requested_at = coalesce(walk_requested_at, now()), due_since = coalesce(due_since, now())
            WHERE connector_id = $1`,
          [c.connectorId],
        );
        if (!seen.walking) await m.query(`SELECT pg_notify($1, $2)`, [WAKEUP_CHANNEL, REFRESH_WAKEUP_PAYLOAD]);
        return 'FOLDED';
      }
      const dueAt = seen.deferUntil ?? null;
      await m.query(
        `UPDATE webhook_refresh_state SET due_since = coalesce(due_since, greatest(now(), $2::timestamptz)) WHERE connector_id = $1`,
        [c.connectorId, dueAt],
      );
      await m.query(
        `WITH req AS (
           INSERT INTO ticket_refresh_requests (connector_id, ticket_external_id, tenant_id, first_received_at)
           VALUES ($1, $2, $3, greatest(now(), $6::timestamptz))
           ON CONFLICT (connector_id, ticket_external_id) DO UPDATE
             SET last_received_at = now(), seq = nextval('ticket_refresh_seq')
           RETURNING (xmax = 0) AS inserted
         )
         SELECT pg_notify($4, $5) FROM req WHERE inserted`,
        [c.connectorId, ticketExternalId, c.tenantId, WAKEUP_CHANNEL, REFRESH_WAKEUP_PAYLOAD, dueAt],
      );
      return 'RECORDED';
    });
  }

  /**
   * Scheduler: a run for every ACTIVE connector whose oldest request (or walk marker) has waited
   * `coalesceMs` (the webhooks of one burst make one run) and whose webhook runs spent fewer than
   * `callsPerMinute` Gorgias calls in the last minute: REFRESH, or its normal INCREMENTAL walk when
   * a walk was asked for or more than `walkAbove` tickets wait. Nothing while the connector has a
   * run queued or running. Due connectors are found through `webhook_refresh_state_due_idx`; each
   * one's requests are counted through its primary key (at most WEBHOOK_MAX_PENDING_TICKETS rows).
   */
  async enqueueRuns(coalesceMs: number, walkAbove: number, callsPerMinute: number): Promise<number> {
    const rows = await queryRows(this.dataSource, ENQUEUE_WEBHOOK_RUNS_SQL, [coalesceMs / 1000, walkAbove, callsPerMinute]);
    return rows.length;
  }

  /** When the next connector becomes due that is not due yet (through webhook_refresh_state_due_idx), or null. */
  async nextDueAt(): Promise<Date | null> {
    const [{ at }] = await this.dataSource.query(`SELECT min(due_since) AS at FROM webhook_refresh_state WHERE due_since > now()`);
    return at ?? null;
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
    await lockState(m, connectorId);
    await m.query(
      `DELETE FROM ticket_refresh_requests r USING unnest($2::bigint[], $3::bigint[]) AS d(ticket_external_id, seq)
        WHERE r.connector_id = $1 AND r.ticket_external_id = d.ticket_external_id AND r.seq <= d.seq`,
      [connectorId, ids, done.map((d) => d.seq)],
    );
    // Announced again while it was read: due again, a few seconds after this read.
    await m.query(
      `UPDATE ticket_refresh_requests SET first_received_at = greatest(last_received_at, now() + make_interval(secs => $3))
        WHERE connector_id = $1 AND ticket_external_id = ANY($2::bigint[])`,
      [connectorId, ids, REFRESH_REREAD_DEFER_MS / 1000],
    );
    // Remembered as re-read (a 404 memory, written before in the same page, stays).
    await m.query(
      `INSERT INTO webhook_answered_tickets (connector_id, ticket_external_id, not_found, until)
       SELECT $1, unnest($2::bigint[]), false, now() + make_interval(secs => $3)
       ON CONFLICT (connector_id, ticket_external_id) DO UPDATE SET until = EXCLUDED.until, not_found = false
        WHERE NOT webhook_answered_tickets.not_found OR webhook_answered_tickets.until < now()`,
      [connectorId, ids, REFRESH_REREAD_DEFER_MS / 1000],
    );
    await settleDue(m, connectorId);
  }

  /**
   * A complete walk (INCREMENTAL or FULL run `runId`) read every change made before it started:
   * requests received before then are answered (a webhook is sent after its change).
   */
  async completeReceivedBefore(connectorId: string, runId: string): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await lockState(m, connectorId);
      const rows = await queryRows(
        m,
        `DELETE FROM ticket_refresh_requests
          WHERE connector_id = $1 AND last_received_at < (SELECT started_at FROM sync_runs WHERE id = $2) RETURNING 1`,
        [connectorId, runId],
      );
      // A walk marker set before the walk started is answered too; one set since waits for the next walk.
      await m.query(
        `UPDATE webhook_refresh_state SET walk_requested_at = NULL
          WHERE connector_id = $1 AND walk_requested_at < (SELECT started_at FROM sync_runs WHERE id = $2)`,
        [connectorId, runId],
      );
      await settleDue(m, connectorId);
      return rows.length;
    });
  }
}

/**
 * Locks the connector's state row before its requests are touched: `record` takes the same lock
 * first, so a statement run after it sees every request committed so far (a due marker is never
 * cleared while a request exists), and the lock order is the same everywhere (no deadlock).
 */
async function lockState(m: EntityManager, connectorId: string): Promise<void> {
  await m.query(`SELECT 1 FROM webhook_refresh_state WHERE connector_id = $1 FOR UPDATE`, [connectorId]);
}

/** Due since the oldest request left, or still due for a walk, or not due (call with the state row locked). */
async function settleDue(m: EntityManager, connectorId: string): Promise<void> {
  await m.query(
    `UPDATE webhook_refresh_state
        SET due_since = CASE WHEN walk_requested_at IS NOT NULL THEN coalesce(due_since, walk_requested_at)
                             ELSE (SELECT min(first_received_at) FROM ticket_refresh_requests WHERE connector_id = $1) END
      WHERE connector_id = $1`,
    [connectorId],
  );
}
