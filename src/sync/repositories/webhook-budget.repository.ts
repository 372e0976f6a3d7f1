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
  async requestWalk(connectorId: string): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO webhook_refresh_state (connector_id, due_since, walk_requested_at) VALUES ($1, now(), now())
       ON CONFLICT (connector_id) DO UPDATE
         SET walk_requested_at = coalesce(webhook_refresh_state.walk_requested_at, now()),
             due_since = coalesce(webhook_refresh_state.due_since, now())`,
      [connectorId],
    );
  }

  /** Gorgias answered 404 for this announced id: further webhooks naming it are skipped until `ttlMs` has passed. */
  async rememberMissing(m: EntityManager, connectorId: string, ticketExternalId: string, ttlMs: number): Promise<void> {
    await m.query(
      `INSERT INTO webhook_answered_tickets (connector_id, ticket_external_id, not_found, until)
       VALUES ($1, $2, true, now() + make_interval(secs => $3))
       ON CONFLICT (connector_id, ticket_external_id) DO UPDATE SET until = EXCLUDED.until, not_found = true`,
      [connectorId, ticketExternalId, ttlMs / 1000],
    );
  }
}
