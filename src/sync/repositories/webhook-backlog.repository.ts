import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../database/query-rows';

export interface WebhookBacklogPruned {
  requests: number;
  missingIds: number;
  counters: number;
  markers: number;
}

/**
 * What webhooks leave behind, deleted: requests held longer than `maxAgeMs` (a connector in ERROR or
 * PAUSED for a day; its next walk reads everything anyway), expired memories of answered ids and rate counters of
 * past minutes, and due/walk markers nothing backs any more. Requests, markers and answered ids of a
 * deleted connector go with it (ON DELETE CASCADE). Every statement is idempotent and takes only rows no one holds (SKIP LOCKED),
 * so any number of instances may run it at once.
 */
@Injectable()
export class WebhookBacklogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async prune(maxAgeMs: number): Promise<WebhookBacklogPruned> {
    const secs = maxAgeMs / 1000;
    const requests = await queryRows(
      this.dataSource,
      // Through ticket_refresh_requests_received_idx; a deleted connector's requests are already gone (FK cascade).
      `DELETE FROM ticket_refresh_requests WHERE first_received_at < now() - make_interval(secs => $1) RETURNING 1`,
      [secs],
    );
    const missingIds = await queryRows(this.dataSource, `DELETE FROM webhook_answered_tickets WHERE until < now() RETURNING 1`);
    const counters = await queryRows(
      this.dataSource,
      `DELETE FROM webhook_rate_counters WHERE window_start < now() - interval '2 minutes' RETURNING 1`,
    );
    const markers = await this.settleMarkers(secs);
    return { requests: requests.length, missingIds: missingIds.length, counters: counters.length, markers };
  }

  /**
   * Clears walk markers older than `secs` (the connector was not ACTIVE since: its next run walks
   * anyway) and due markers with nothing left. Rows are locked first and then read in a new
   * statement, as the intake does (see TicketRefreshRequestRepository.record): a request recorded
   * meanwhile is seen, never stranded. The candidates are found over every tenant without a lock
   * (Citus locks rows only in a statement routed to one node), then locked tenant by tenant.
   */
  private async settleMarkers(secs: number): Promise<number> {
    const candidates: { tenant_id: string; connector_id: string }[] = await this.dataSource.query(
      `SELECT tenant_id, connector_id FROM webhook_refresh_state WHERE due_since < now() - make_interval(secs => 60)`,
    );
    const byTenant = new Map<string, string[]>();
    for (const r of candidates) byTenant.set(r.tenant_id, [...(byTenant.get(r.tenant_id) ?? []), r.connector_id]);
    let cleared = 0;
    for (const [tenantId, connectorIds] of byTenant) cleared += await this.settleTenantMarkers(tenantId, connectorIds, secs);
    return cleared;
  }

  private async settleTenantMarkers(tenantId: string, connectorIds: string[], secs: number): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      const locked: { connector_id: string }[] = await m.query(
        `SELECT connector_id FROM webhook_refresh_state
          WHERE tenant_id = $1 AND connector_id = ANY($2::uuid[]) AND due_since < now() - make_interval(secs => 60)
          ORDER BY connector_id FOR UPDATE SKIP LOCKED`,
        [tenantId, connectorIds],
      );
      if (!locked.length) return 0;
      const ids = locked.map((r) => r.connector_id);
      await m.query(
        `UPDATE webhook_refresh_state SET walk_requested_at = NULL
          WHERE tenant_id = $3 AND connector_id = ANY($1::uuid[]) AND walk_requested_at < now() - make_interval(secs => $2)`,
        [ids, secs, tenantId],
      );
      const cleared = await queryRows(
        m,
        `UPDATE webhook_refresh_state s SET due_since = NULL
          WHERE s.tenant_id = $2 AND s.connector_id = ANY($1::uuid[]) AND s.walk_requested_at IS NULL
            AND NOT EXISTS (SELECT 1 FROM ticket_refresh_requests r WHERE r.tenant_id = s.tenant_id AND r.connector_id = s.connector_id)
          RETURNING 1`,
        [ids, tenantId],
      );
      return cleared.length;
    });
  }
}
