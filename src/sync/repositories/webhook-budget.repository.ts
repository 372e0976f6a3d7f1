import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/**
 * Gorgias calls that a connector's webhook-triggered runs (REFRESH, and the walks that fold webhooks
 * in) spent in the last minute: what a run finished within the minute spent, plus what a running one
 * has checkpointed so far. Read through `sync_runs_connector_idx` over the last 10 minutes of runs.
 * `exceptRun` leaves out the run asking (its own calls are counted by itself).
 */
export function webhookCallsSpentSql(connector: string, exceptRun = 'NULL'): string {
  return `SELECT coalesce(sum(x.api_requests), 0)::int FROM sync_runs x
           WHERE x.connector_id = ${connector} AND x.trigger = 'WEBHOOK' AND x.id IS DISTINCT FROM ${exceptRun}
             AND x.created_at > now() - interval '10 minutes'
             AND (x.finished_at IS NULL OR x.finished_at > now() - interval '1 minute')`;
}

/** The per-connector limits on what webhooks cost (security review M-1): spent calls, the walk marker, ids Gorgias denied. */
@Injectable()
export class WebhookBudgetRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Gorgias calls this connector's other webhook runs spent in the last minute. */
  async callsSpent(connectorId: string, exceptRunId: string | null): Promise<number> {
    const [{ spent }] = await this.dataSource.query(`SELECT (${webhookCallsSpentSql('$1::uuid', '$2::uuid')}) AS spent`, [
      connectorId,
      exceptRunId,
    ]);
    return spent;
  }

  /** The budget ran out with requests left: the next webhook run is the connector's incremental walk. */
  async requestWalk(c: { tenantId: string; connectorId: string }): Promise<void> {
    // EXCLUDED's times, not now(): Citus takes only immutable functions in ON CONFLICT DO UPDATE.
    await this.dataSource.query(
      `INSERT INTO webhook_refresh_state (tenant_id, connector_id, due_since, walk_requested_at) VALUES ($2, $1, now(), now())
       ON CONFLICT (tenant_id, connector_id) DO UPDATE
         SET walk_requested_at = coalesce(webhook_refresh_state.walk_requested_at, EXCLUDED.walk_requested_at),
             due_since = coalesce(webhook_refresh_state.due_since, EXCLUDED.due_since)`,
      [c.connectorId, c.tenantId],
    );
  }

  /** Gorgias answered 404 for this announced id: further webhooks naming it are skipped until `ttlMs` has passed. */
  async rememberMissing(
    m: EntityManager,
    c: { tenantId: string; connectorId: string },
    ticketExternalId: string,
    ttlMs: number,
  ): Promise<void> {
    await m.query(
      `INSERT INTO webhook_answered_tickets (tenant_id, connector_id, ticket_external_id, not_found, until)
       VALUES ($4, $1, $2, true, now() + make_interval(secs => $3))
       ON CONFLICT (tenant_id, connector_id, ticket_external_id) DO UPDATE SET until = EXCLUDED.until, not_found = true`,
      [c.connectorId, ticketExternalId, ttlMs / 1000, c.tenantId],
    );
  }
}
