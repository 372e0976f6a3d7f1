import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { LeaseLostError } from './lease-lost.error';
import {
  VerificationCheckpoint,
  VerificationCounts,
  VerificationReport,
  VerificationRow,
  VerificationStatus,
} from '../verification/verification.types';

const COLUMNS = `id, tenant_id AS "tenantId", connector_id AS "connectorId", status, trigger, repair,
  window_from AS "from", window_to AS "to", phase, checkpoint, report, error, attempts, lease_token AS "leaseToken",
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt",
  tickets_checked AS "ticketsChecked", tickets_missing AS "ticketsMissing", tickets_stale AS "ticketsStale",
  tickets_extra AS "ticketsExtra", messages_checked AS "messagesChecked", messages_missing AS "messagesMissing",
  messages_stale AS "messagesStale", quarantined, repaired, api_requests AS "apiRequests"`;

/** The counters' columns in the order `countParams` gives them ($n onwards). */
const COUNT_COLUMNS = [
  'tickets_checked',
  'tickets_missing',
  'tickets_stale',
  'tickets_extra',
  'messages_checked',
  'messages_missing',
  'messages_stale',
  'quarantined',
  'repaired',
  'api_requests',
];
const countParams = (c: VerificationCounts) => [
  c.ticketsChecked,
  c.ticketsMissing,
  c.ticketsStale,
  c.ticketsExtra,
  c.messagesChecked,
  c.messagesMissing,
  c.messagesStale,
  c.quarantined,
  c.repaired,
  c.apiRequests,
];
const setCounts = (from: number) => COUNT_COLUMNS.map((c, i) => `${c} = $${from + i}`).join(', ');

type Scope = { tenantId: string; connectorId: string };
type Claim = { id: string; token: string };

/**
 * Verifications as a work queue, the way SyncRunRepository keeps sync runs: claims take FOR UPDATE
 * SKIP LOCKED (the table is coordinator-local on Citus), every write of a running verification is
 * fenced by its claim's token, and at most one is queued or running per connector (a partial unique
 * index). The only SQL for `sync_verifications`.
 */
@Injectable()
export class SyncVerificationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Queues a verification unless one is queued or running; returns the active one either way (and whether it is new). */
  async enqueue(
    c: Scope,
    v: { repair: boolean; from: Date | null; to: Date | null; trigger: string },
  ): Promise<{ row: VerificationRow; created: boolean }> {
    const inserted = await queryRows<VerificationRow>(
      this.dataSource,
      `INSERT INTO sync_verifications (tenant_id, connector_id, repair, window_from, window_to, trigger) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant_id, connector_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING RETURNING ${COLUMNS}`,
      [c.tenantId, c.connectorId, v.repair, v.from, v.to, v.trigger],
    );
    if (inserted.length) return { row: inserted[0], created: true };
    const [active] = await queryRows<VerificationRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM sync_verifications WHERE tenant_id = $1 AND connector_id = $2 AND status IN ('QUEUED','RUNNING')`,
      [c.tenantId, c.connectorId],
    );
    return { row: active, created: false };
  }

  /**
   * The schedule: a verification of the last `windowDays` for each of these connectors (ACTIVE ones, read
   * apart: connectors is distributed on Citus) that has synced and has had no scheduled one for `everyHours`.
   */
  async enqueueScheduled(connectors: Scope[], everyHours: number, windowDays: number): Promise<number> {
    if (!connectors.length) return 0;
    const rows = await queryRows(
      this.dataSource,
      `INSERT INTO sync_verifications (tenant_id, connector_id, trigger, repair, window_from, window_to)
       SELECT c.tenant_id, c.id, 'SCHEDULE', true, now() - make_interval(days => $4), NULL
         FROM unnest($1::text[], $2::uuid[]) AS c(tenant_id, id)
        WHERE EXISTS (SELECT 1 FROM sync_cursors sc WHERE sc.connector_id = c.id AND sc.stream = 'tickets')
          AND NOT EXISTS (SELECT 1 FROM sync_verifications v WHERE v.tenant_id = c.tenant_id AND v.connector_id = c.id
                             AND v.trigger = 'SCHEDULE' AND v.created_at > now() - make_interval(hours => $3))
       ON CONFLICT (tenant_id, connector_id) WHERE status IN ('QUEUED','RUNNING') DO NOTHING RETURNING id`,
      [connectors.map((c) => c.tenantId), connectors.map((c) => c.connectorId), everyHours, windowDays],
    );
    return rows.length;
  }

  /** ACTIVE connectors, for the schedule (read on their own: connectors is distributed on Citus, this table local). */
  activeConnectors(): Promise<Scope[]> {
    return queryRows<Scope>(this.dataSource, `SELECT tenant_id AS "tenantId", id AS "connectorId" FROM connectors WHERE status = 'ACTIVE'`);
  }

  /**
   * Takes up to `limit` verifications, oldest first: queued ones, and running ones whose lease expired
   * (their instance died) fewer than `maxAttempts` times: those resume from their checkpoint.
   */
  claim(owner: string, limit: number, leaseSeconds: number, maxAttempts: number, executing: readonly string[]): Promise<VerificationRow[]> {
    if (limit <= 0) return Promise.resolve([]);
    return queryRows<VerificationRow>(
      this.dataSource,
      `UPDATE sync_verifications v
          SET status = 'RUNNING', lease_owner = $1, lease_token = gen_random_uuid(), lease_expires_at = now() + make_interval(secs => $3),
              attempts = v.attempts + 1, started_at = coalesce(v.started_at, now())
        WHERE v.id IN (
          SELECT s.id FROM sync_verifications s
           WHERE (s.status = 'QUEUED' OR (s.status = 'RUNNING' AND s.lease_expires_at < now() AND s.attempts < $4))
             AND NOT (s.id = ANY($5::uuid[]))
           ORDER BY coalesce(s.lease_expires_at, s.created_at)
           LIMIT $2
           FOR UPDATE SKIP LOCKED)
      RETURNING ${COLUMNS}`,
      [owner, limit, leaseSeconds, maxAttempts, [...executing]],
    );
  }

  /** Verifications whose lease expired `maxAttempts` times (every instance that took them died): FAILED. */
  async failAbandoned(maxAttempts: number, message: string): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE sync_verifications SET status = 'FAILED', phase = 'failed', error = $2, finished_at = now(),
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL
        WHERE status = 'RUNNING' AND lease_expires_at < now() AND attempts >= $1 RETURNING id`,
      [maxAttempts, message],
    );
    return rows.length;
  }

  /**
   * Saves checkpoint, counts and report inside the page's transaction and renews the lease; throws
   * LeaseLostError when this claim no longer holds the verification (the page rolls back). Returns
   * whether a cancel was asked for.
   */
  async checkpoint(
    m: EntityManager,
    claim: Claim & { leaseSeconds: number },
    phase: string,
    checkpoint: VerificationCheckpoint,
    counts: VerificationCounts,
    report: VerificationReport,
  ): Promise<{ cancelRequested: boolean }> {
    const rows = await queryRows<{ cancelRequested: boolean }>(
      m,
      `UPDATE sync_verifications SET phase = $3, checkpoint = $4, report = $5, lease_expires_at = now() + make_interval(secs => $6),
              ${setCounts(7)}
        WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING' RETURNING cancel_requested AS "cancelRequested"`,
      [claim.id, claim.token, phase, JSON.stringify(checkpoint), JSON.stringify(report), claim.leaseSeconds, ...countParams(counts)],
    );
    if (!rows.length) throw new LeaseLostError(claim.id);
    return rows[0];
  }

  /** Keeps the lease alive while a page waits for its call. False: the lease is gone. */
  async renewLease(claim: Claim, leaseSeconds: number): Promise<boolean> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE sync_verifications SET lease_expires_at = now() + make_interval(secs => $3)
        WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING' RETURNING id`,
      [claim.id, claim.token, leaseSeconds],
    );
    return rows.length > 0;
  }

  /** Ends a verification (fenced): SUCCEEDED, FAILED or CANCELLED. */
  async finish(
    claim: Claim,
    status: VerificationStatus,
    counts: VerificationCounts,
    report: VerificationReport,
    error: string | null,
  ): Promise<void> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE sync_verifications SET status = $3, phase = lower($3), error = $4, report = $5, finished_at = now(),
              lease_owner = NULL, lease_token = NULL, lease_expires_at = NULL, ${setCounts(6)}
        WHERE id = $1 AND lease_token = $2 AND status = 'RUNNING' RETURNING id`,
      [claim.id, claim.token, status, error, JSON.stringify(report), ...countParams(counts)],
    );
    if (!rows.length) throw new LeaseLostError(claim.id);
  }

  /** At shutdown: running verifications go back to the queue at once (not counted as an attempt), checkpoint kept. */
  async releaseOwned(owner: string): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `UPDATE sync_verifications SET status = 'QUEUED', phase = 'waiting to resume', lease_owner = NULL, lease_token = NULL,
              lease_expires_at = NULL, attempts = greatest(attempts - 1, 0)
        WHERE lease_owner = $1 AND status = 'RUNNING' RETURNING id`,
      [owner],
    );
    return rows.length;
  }

  /** A queued verification ends CANCELLED now; a running one at its next page. Null when none is active. */
  async cancelActive(c: Scope): Promise<VerificationRow | null> {
    const [row] = await queryRows<VerificationRow>(
      this.dataSource,
      `UPDATE sync_verifications
          SET cancel_requested = true,
              status = CASE WHEN status = 'QUEUED' THEN 'CANCELLED' ELSE status END,
              phase = CASE WHEN status = 'QUEUED' THEN 'cancelled' ELSE 'cancelling' END,
              finished_at = CASE WHEN status = 'QUEUED' THEN now() END
        WHERE tenant_id = $1 AND connector_id = $2 AND status IN ('QUEUED','RUNNING') RETURNING ${COLUMNS}`,
      [c.tenantId, c.connectorId],
    );
    return row ?? null;
  }

  /** Finished verifications older than `days` go; each connector's latest finished one stays. */
  async pruneFinished(days: number): Promise<number> {
    const rows = await queryRows(
      this.dataSource,
      `DELETE FROM sync_verifications v
        WHERE v.status IN ('SUCCEEDED','FAILED','CANCELLED') AND v.finished_at < now() - make_interval(days => $1)
          AND v.id <> (SELECT l.id FROM sync_verifications l WHERE l.tenant_id = v.tenant_id AND l.connector_id = v.connector_id
                        AND l.status IN ('SUCCEEDED','FAILED','CANCELLED') ORDER BY l.finished_at DESC, l.id DESC LIMIT 1)
       RETURNING v.id`,
      [days],
    );
    return rows.length;
  }

  async findById(tenantId: string, id: string): Promise<VerificationRow | null> {
    const [row] = await queryRows<VerificationRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM sync_verifications WHERE tenant_id = $1 AND id = $2`,
      [tenantId, id],
    );
    return row ?? null;
  }

  /** One page of a connector's verifications, newest first (keyset on created_at, id), and their total. */
  async listPage(
    c: Scope,
    first: number,
    after?: { createdAt: string; id: string },
  ): Promise<{ rows: VerificationRow[]; totalCount: number }> {
    const params: unknown[] = [c.tenantId, c.connectorId, first + 1];
    let keyset = '';
    if (after) {
      params.push(after.createdAt, after.id);
      keyset = `AND (created_at, id) < ($4::timestamptz, $5::uuid)`;
    }
    const rows = await queryRows<VerificationRow>(
      this.dataSource,
      `SELECT ${COLUMNS} FROM sync_verifications WHERE tenant_id = $1 AND connector_id = $2 ${keyset}
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      params,
    );
    const [{ count }] = await queryRows<{ count: number }>(
      this.dataSource,
      `SELECT count(*)::int AS count FROM sync_verifications WHERE tenant_id = $1 AND connector_id = $2`,
      [c.tenantId, c.connectorId],
    );
    return { rows, totalCount: count };
  }

  /**
   * For /metrics: each connector's latest finished verification, and how many finished ones in a row
   * (newest first) found differences (the alert fires at 2).
   */
  latestFinished(): Promise<(VerificationRow & { differingStreak: number })[]> {
    return queryRows(
      this.dataSource,
      `WITH done AS (
         SELECT v.*, row_number() OVER (PARTITION BY tenant_id, connector_id ORDER BY finished_at DESC, id DESC) AS n,
                (tickets_missing + tickets_stale + tickets_extra + messages_missing + messages_stale) > 0 AS differs
           FROM sync_verifications v WHERE status = 'SUCCEEDED'),
       streak AS (
         SELECT tenant_id, connector_id,
                coalesce(min(n) FILTER (WHERE NOT differs) - 1, max(n))::int AS streak
           FROM done GROUP BY tenant_id, connector_id)
       SELECT ${COLUMNS}, s.streak AS "differingStreak"
         FROM done d JOIN streak s USING (tenant_id, connector_id) WHERE d.n = 1`,
    );
  }
}
