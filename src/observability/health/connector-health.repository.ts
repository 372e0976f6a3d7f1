import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectorHealthFacts } from './connector-health';

/** Runs that walk Gorgias (not single-ticket refreshes): what "synced" and "fresh as of" mean. */
const SYNC_MODES = `('INCREMENTAL','FULL')`;

/** Per connector: the latest success, the failures since, and the latest run (each a short index walk). */
const FACTS_SQL = `
SELECT c.id AS "connectorId", c.status, c.sync_interval_minutes AS "syncIntervalMinutes", c.last_error AS "lastError",
       c.last_check_ok AS "lastCheckOk", c.last_check_code AS "lastCheckCode", c.last_check_message AS "lastCheckMessage",
       coalesce(s.finished_at, c.last_synced_at) AS "lastSuccessAt",
       coalesce(s.started_at, c.last_synced_at) AS "freshAsOf",
       coalesce(f.failures, 0)::int AS "consecutiveFailures",
       l.status AS "latestRunStatus", l.error AS "latestRunError", l.error_code AS "latestRunErrorCode",
       coalesce(l.rate_limit_waits, 0)::int AS "latestRunRateLimitWaits"
  FROM connectors c
  LEFT JOIN LATERAL (
       SELECT r.created_at, r.started_at, r.finished_at FROM sync_runs r
        WHERE r.connector_id = c.id AND r.status = 'SUCCEEDED' AND r.mode IN ${SYNC_MODES}
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1) s ON true
  LEFT JOIN LATERAL (
       SELECT count(*) AS failures FROM (
         SELECT 1 FROM sync_runs r
          WHERE r.connector_id = c.id AND r.status = 'FAILED' AND r.mode IN ${SYNC_MODES}
            AND r.created_at > coalesce(s.created_at, '-infinity')
          LIMIT 1000) x) f ON true
  LEFT JOIN LATERAL (
       SELECT r.status, r.error, r.error_code, r.rate_limit_waits FROM sync_runs r
        WHERE r.connector_id = c.id
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1) l ON true`;

/** The only SQL of connector health. */
@Injectable()
export class ConnectorHealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The facts of a tenant's connectors, in one query (Connector.health's DataLoader batch). */
  async factsOf(tenantId: string, connectorIds: readonly string[]): Promise<ConnectorHealthFacts[]> {
    const rows = await this.dataSource.query(`${FACTS_SQL} WHERE c.tenant_id = $1 AND c.id = ANY($2::uuid[])`, [tenantId, connectorIds]);
    return rows.map(toFacts);
  }

  /** Every connector of every tenant, for the metrics scrape. */
  async allFacts(): Promise<ConnectorHealthFacts[]> {
    const rows = await this.dataSource.query(FACTS_SQL);
    return rows.map(toFacts);
  }
}

function toFacts(r: any): ConnectorHealthFacts {
  const date = (v: unknown) => (v == null ? null : new Date(v as string));
  return { ...r, lastSuccessAt: date(r.lastSuccessAt), freshAsOf: date(r.freshAsOf) };
}
