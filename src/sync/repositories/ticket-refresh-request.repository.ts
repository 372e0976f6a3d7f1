import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { REFRESH_REREAD_DEFER_MS } from '../engine/refresh/refresh.constants';
import { burstDueAt } from '../engine/refresh/burst-due';
import { REFRESH_WAKEUP_PAYLOAD } from '../intake/intake.constants';
import { WAKEUP_CHANNEL } from '../sync.constants';
import { latestRunEndedBefore } from './sync-run.repository';
import { webhookCallsSpentSql } from './webhook-budget.repository';

type ConnectorKey = { tenantId: string; connectorId: string };

/**
 * Step 1 of enqueueRuns: the due connectors (state, connector and request count: co-located tables,
 * joined on the tenant). Exported for the tests that EXPLAIN it.
 */
export const DUE_WEBHOOK_CONNECTORS_SQL = `SELECT c.tenant_id AS "tenantId", c.id AS "connectorId", now() AS "seenAt",
       CASE WHEN s.walk_requested_at IS NOT NULL OR p.n > $2 THEN 'INCREMENTAL' ELSE 'REFRESH' END AS mode
    FROM webhook_refresh_state s
    JOIN connectors c ON c.tenant_id = s.tenant_id AND c.id = s.connector_id
    CROSS JOIN LATERAL (SELECT count(*) AS n FROM ticket_refresh_requests r
                         WHERE r.tenant_id = s.tenant_id AND r.connector_id = s.connector_id) p
   WHERE s.due_since <= now() - make_interval(secs => $1)
     AND c.status = 'ACTIVE'
     AND (p.n > 0 OR s.walk_requested_at IS NOT NULL)`;

/**
 * Step 2 of enqueueRuns: the runs of those within their call budget. `sync_runs` stays on the Citus
 * coordinator and the tables of step 1 on the tenants' nodes, so the two are separate statements.
 * A connector whose latest run finished at or after step 1 began ($5, step 1's `now()`) is left for
 * the next pass (the instance that ran it passes again once it ended, so nothing waits): step 1 may
 * have counted requests that run answered, and its run would read nothing announced. Exact because a
 * run answers requests in transactions that commit before the one that finishes it starts (its
 * `finished_at`): a run finished before step 1 began had its answers seen by step 1. Only the latest
 * run can have answered any: one run per connector is active at a time.
 * A connector whose latest run is still active in this statement's snapshot is left too (see
 * latestRunEndedBefore; seen once on Citus: a second REFRESH run, reading nothing, 53 ms after the first).
 */
export const ENQUEUE_WEBHOOK_RUNS_SQL = `INSERT INTO sync_runs (tenant_id, connector_id, mode, trigger)
  SELECT d.tenant_id, d.connector_id, d.mode, 'WEBHOOK'
    FROM unnest($1::text[], $2::uuid[], $3::text[]) AS d(tenant_id, connector_id, mode)
   WHERE (${webhookCallsSpentSql('d.connector_id')}) < $4
     AND ${latestRunEndedBefore('d.connector_id', '$5')}
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
 * (duplicates fold into it), the only SQL on `ticket_refresh_requests`. Every statement names the
 * tenant (Citus routes it to the tenant's node) except the schedulers' scans over every tenant.
 * Times written into distributed rows come from the transaction's `now()` read first (`txNow`):
 * Citus refuses non-immutable functions inside CASE/COALESCE and in ON CONFLICT DO UPDATE.
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
   * Every outcome sets the connector's `last_webhook_at` (the deliveries are authentic). The NOTIFY is
   * a statement of its own, so that it runs on the coordinator, where the schedulers listen.
   */
  async record(c: ConnectorKey, ticketExternalId: string, maxPending: number): Promise<RecordOutcome> {
    // One statement for what the intake needs to know, after the lock below.
    const seenSql = `SELECT
        EXISTS (SELECT 1 FROM webhook_answered_tickets WHERE tenant_id = $3 AND connector_id = $1 AND ticket_external_id = $2
                   AND not_found AND until > now()) AS missing,
        (SELECT until FROM webhook_answered_tickets WHERE tenant_id = $3 AND connector_id = $1 AND ticket_external_id = $2
            AND NOT not_found AND until > now()) AS "deferUntil",
        EXISTS (SELECT 1 FROM ticket_refresh_requests WHERE tenant_id = $3 AND connector_id = $1 AND ticket_external_id = $2) AS held,
        (SELECT count(*) FROM ticket_refresh_requests WHERE tenant_id = $3 AND connector_id = $1)::int AS total,
        (SELECT min(first_received_at) FROM ticket_refresh_requests WHERE tenant_id = $3 AND connector_id = $1) AS oldest,
        (SELECT due_since FROM webhook_refresh_state WHERE tenant_id = $3 AND connector_id = $1) AS "dueSince",
        (SELECT walk_requested_at IS NOT NULL FROM webhook_refresh_state WHERE tenant_id = $3 AND connector_id = $1) AS walking`;
    return this.dataSource.transaction(async (m) => {
      const now = await txNow(m);
      await m.query(
        `INSERT INTO webhook_refresh_state (tenant_id, connector_id) VALUES ($2, $1)
         ON CONFLICT (tenant_id, connector_id) DO UPDATE SET connector_id = EXCLUDED.connector_id`,
        [c.connectorId, c.tenantId],
      );
      await m.query(`UPDATE connector_webhooks SET last_webhook_at = $3 WHERE tenant_id = $2 AND connector_id = $1`, [
        c.connectorId,
        c.tenantId,
        now,
      ]);
      const [seen] = await m.query(seenSql, [c.connectorId, ticketExternalId, c.tenantId]);
      if (seen.missing) return 'MISSING';
      if (!seen.held && seen.total >= maxPending) {
        await m.query(
          `UPDATE webhook_refresh_state SET walk_requested_at = coalesce(walk_requested_at, $3), due_since = coalesce(due_since, $3)
            WHERE tenant_id = $2 AND connector_id = $1`,
          [c.connectorId, c.tenantId, now],
        );
        if (!seen.walking) await m.query(`SELECT pg_notify($1, $2)`, [WAKEUP_CHANNEL, REFRESH_WAKEUP_PAYLOAD]);
        return 'FOLDED';
      }
      const dueAt = later(now, seen.deferUntil);
      const due = burstDueAt({ now, ownDueAt: dueAt, dueSince: seen.dueSince, oldest: seen.oldest, held: seen.held });
      await m.query(`UPDATE webhook_refresh_state SET due_since = $3::timestamptz WHERE tenant_id = $2 AND connector_id = $1`, [
        c.connectorId,
        c.tenantId,
        due,
      ]);
      const rows = await queryRows<{ inserted: boolean }>(
        m,
        `INSERT INTO ticket_refresh_requests (connector_id, ticket_external_id, tenant_id, first_received_at, last_received_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, connector_id, ticket_external_id) DO UPDATE
           -- the inserted row's values (a new seq by default): Citus takes only immutable functions in DO UPDATE
           SET last_received_at = EXCLUDED.last_received_at, seq = EXCLUDED.seq
         RETURNING (xmax = 0) AS inserted`,
        [c.connectorId, ticketExternalId, c.tenantId, dueAt, now],
      );
      if (rows[0]?.inserted) await m.query(`SELECT pg_notify($1, $2)`, [WAKEUP_CHANNEL, REFRESH_WAKEUP_PAYLOAD]);
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
   * Two statements (the due connectors on the tenants' nodes, then the runs on the coordinator): a
   * connector found due twice gets one run (the unique active run).
   */
  async enqueueRuns(coalesceMs: number, walkAbove: number, callsPerMinute: number): Promise<number> {
    const due = await queryRows<{ tenantId: string; connectorId: string; mode: string; seenAt: Date }>(
      this.dataSource,
      DUE_WEBHOOK_CONNECTORS_SQL,
      [coalesceMs / 1000, walkAbove],
    );
    if (!due.length) return 0;
    const rows = await queryRows(this.dataSource, ENQUEUE_WEBHOOK_RUNS_SQL, [
      due.map((d) => d.tenantId),
      due.map((d) => d.connectorId),
      due.map((d) => d.mode),
      callsPerMinute,
      due[0].seenAt,
    ]);
    return rows.length;
  }

  /**
   * The due time of the next connector whose run `enqueueRuns(coalesceMs)` does not start yet (through
   * webhook_refresh_state_due_idx), or null: a burst's due time moves while it arrives (burst-due.ts).
   */
  async nextDueAt(coalesceMs: number): Promise<Date | null> {
    const [{ at }] = await this.dataSource.query(
      `SELECT min(due_since) AS at FROM webhook_refresh_state WHERE due_since > now() - make_interval(secs => $1)`,
      [coalesceMs / 1000],
    );
    return at ?? null;
  }

  /** The oldest `limit` requests of a connector (what one refresh pass works off) and how many there are. */
  async pending(c: ConnectorKey, limit: number): Promise<{ requests: PendingRefresh[]; total: number }> {
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
  async complete(m: EntityManager, c: ConnectorKey, done: { ticketExternalId: string; seq: string }[]): Promise<void> {
    if (!done.length) return;
    const ids = done.map((d) => d.ticketExternalId);
    await lockState(m, c);
    const now = await txNow(m);
    await m.query(
      `DELETE FROM ticket_refresh_requests r USING unnest($2::bigint[], $3::bigint[]) AS d(ticket_external_id, seq)
        WHERE r.tenant_id = $4 AND r.connector_id = $1 AND r.ticket_external_id = d.ticket_external_id AND r.seq <= d.seq`,
      [c.connectorId, ids, done.map((d) => d.seq), c.tenantId],
    );
    // Announced again while it was read: due again, a few seconds after this read.
    await m.query(
      `UPDATE ticket_refresh_requests SET first_received_at = greatest(last_received_at, $4::timestamptz + make_interval(secs => $3))
        WHERE tenant_id = $5 AND connector_id = $1 AND ticket_external_id = ANY($2::bigint[])`,
      [c.connectorId, ids, REFRESH_REREAD_DEFER_MS / 1000, now, c.tenantId],
    );
    // Remembered as re-read (a 404 memory, written before in the same page, stays). Two statements, as Citus
    // takes no parameter and no stable function in the WHERE of ON CONFLICT: the memories there, then the new ones.
    const until = new Date(now.getTime() + REFRESH_REREAD_DEFER_MS);
    await m.query(
      `UPDATE webhook_answered_tickets SET until = $3, not_found = false
        WHERE tenant_id = $4 AND connector_id = $1 AND ticket_external_id = ANY($2::bigint[]) AND (NOT not_found OR until < $5)`,
      [c.connectorId, ids, until, c.tenantId, now],
    );
    await m.query(
      `INSERT INTO webhook_answered_tickets (tenant_id, connector_id, ticket_external_id, not_found, until)
       SELECT $4::text, $1::uuid, x.id, false, $3::timestamptz FROM unnest($2::bigint[]) AS x(id)
       ON CONFLICT (tenant_id, connector_id, ticket_external_id) DO NOTHING`,
      [c.connectorId, ids, until, c.tenantId],
    );
    await settleDue(m, c);
  }

  /**
   * A complete walk (INCREMENTAL or FULL run) that started at `walkStartedAt` (its run row's started_at,
   * as the claim returned it) read every change made before then: requests received before then are
   * answered (a webhook is sent after its change). Committed before the transaction that finishes the
   * run starts, as every request a run answers is (see ENQUEUE_WEBHOOK_RUNS_SQL).
   */
  async completeReceivedBefore(m: EntityManager, c: ConnectorKey, walkStartedAt: Date): Promise<number> {
    await lockState(m, c);
    const rows = await queryRows(
      m,
      `DELETE FROM ticket_refresh_requests WHERE tenant_id = $3 AND connector_id = $1 AND last_received_at < $2 RETURNING 1`,
      [c.connectorId, walkStartedAt, c.tenantId],
    );
    // A walk marker set before the walk started is answered too; one set since waits for the next walk.
    await m.query(
      `UPDATE webhook_refresh_state SET walk_requested_at = NULL
        WHERE tenant_id = $3 AND connector_id = $1 AND walk_requested_at < $2`,
      [c.connectorId, walkStartedAt, c.tenantId],
    );
    await settleDue(m, c);
    return rows.length;
  }
}

/** The transaction's time (now() is fixed for a transaction), to pass where Citus refuses now() itself. */
export async function txNow(m: EntityManager): Promise<Date> {
  const [{ now }] = await m.query(`SELECT now() AS now`);
  return now as Date;
}

function later(a: Date, b: Date | string | null | undefined): Date {
  if (b == null) return a;
  const d = new Date(b);
  return d > a ? d : a;
}

/**
 * Locks the connector's state row before its requests are touched: `record` takes the same lock
 * first, so a statement run after it sees every request committed so far (a due marker is never
 * cleared while a request exists), and the lock order is the same everywhere (no deadlock).
 */
async function lockState(m: EntityManager, c: ConnectorKey): Promise<void> {
  await m.query(`SELECT 1 FROM webhook_refresh_state WHERE tenant_id = $2 AND connector_id = $1 FOR UPDATE`, [c.connectorId, c.tenantId]);
}

/**
 * Due since the oldest request left, or still due for a walk, or not due (call with the state row
 * locked, so that the oldest request read first is still the oldest when the row is written).
 */
async function settleDue(m: EntityManager, c: ConnectorKey): Promise<void> {
  const [{ oldest }] = await m.query(
    `SELECT min(first_received_at) AS oldest FROM ticket_refresh_requests WHERE tenant_id = $2 AND connector_id = $1`,
    [c.connectorId, c.tenantId],
  );
  await m.query(
    `UPDATE webhook_refresh_state
        SET due_since = CASE WHEN walk_requested_at IS NOT NULL THEN coalesce(due_since, walk_requested_at) ELSE $3::timestamptz END
      WHERE tenant_id = $2 AND connector_id = $1`,
    [c.connectorId, c.tenantId, oldest ?? null],
  );
}
