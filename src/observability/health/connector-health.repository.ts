import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConnectorHealthFacts } from './connector-health';

/** Runs that walk Gorgias (not single-ticket refreshes): what "synced" and "fresh as of" mean. */
const SYNC_MODES = `('INCREMENTAL','FULL')`;

/**
 * Per connector: the latest success, the failures since, and the latest run (each a short index walk).
 * Runs stay on the Citus coordinator and connectors on their tenant's node, and Citus plans no join of a
 * local table with a distributed one: the connectors are read first, their runs by connector id after.
 */
const RUNS_SQL = `
SELECT k.id AS "connectorId",
       s.finished_at AS "successFinishedAt", s.started_at AS "successStartedAt",
       coalesce(f.failures, 0)::int AS "consecutiveFailures",
       l.status AS "latestRunStatus", l.error AS "latestRunError", l.error_code AS "latestRunErrorCode",
       coalesce(l.rate_limit_waits, 0)::int AS "latestRunRateLimitWaits"
  FROM unnest($1::uuid[]) AS k(id)
  LEFT JOIN LATERAL (
       SELECT r.created_at, r.started_at, r.finished_at FROM sync_runs r
        WHERE r.connector_id = k.id AND r.status = 'SUCCEEDED' AND r.mode IN ${SYNC_MODES}
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1) s ON true
  LEFT JOIN LATERAL (
       SELECT count(*) AS failures FROM (
         SELECT 1 FROM sync_runs r
          WHERE r.connector_id = k.id AND r.status = 'FAILED' AND r.mode IN ${SYNC_MODES}
            AND r.created_at > coalesce(s.created_at, '-infinity')
          LIMIT 1000) x) f ON true
  LEFT JOIN LATERAL (
       SELECT r.status, r.error, r.error_code, r.rate_limit_waits FROM sync_runs r
        WHERE r.connector_id = k.id
        ORDER BY r.created_at DESC, r.id DESC LIMIT 1) l ON true`;

const CONNECTORS_SQL = `SELECT c.id AS "connectorId", c.status, c.sync_interval_minutes AS "syncIntervalMinutes",
       c.last_error AS "lastError", c.last_synced_at AS "lastSyncedAt",
       c.last_check_ok AS "lastCheckOk", c.last_check_code AS "lastCheckCode", c.last_check_message AS "lastCheckMessage"
  FROM connectors c`;

/** The only SQL of connector health. */
@Injectable()
export class ConnectorHealthRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The facts of a tenant's connectors, in two queries (Connector.health's DataLoader batch). */
  async factsOf(tenantId: string, connectorIds: readonly string[]): Promise<ConnectorHealthFacts[]> {
    return this.withRuns(
      await this.dataSource.query(`${CONNECTORS_SQL} WHERE c.tenant_id = $1 AND c.id = ANY($2::uuid[])`, [tenantId, connectorIds]),
    );
  }

  /** Every connector of every tenant, for the metrics scrape. */
  async allFacts(): Promise<ConnectorHealthFacts[]> {
    return this.withRuns(await this.dataSource.query(CONNECTORS_SQL));
  }

  private async withRuns(connectors: any[]): Promise<ConnectorHealthFacts[]> {
    if (!connectors.length) return [];
    const runs: any[] = await this.dataSource.query(RUNS_SQL, [connectors.map((c) => c.connectorId)]);
    const byId = new Map(runs.map((r) => [r.connectorId, r]));
    return connectors.map(({ lastSyncedAt, ...c }) => {
      const { successFinishedAt, successStartedAt, ...r } = byId.get(c.connectorId);
      return toFacts({ ...c, ...r, lastSuccessAt: successFinishedAt ?? lastSyncedAt, freshAsOf: successStartedAt ?? lastSyncedAt });
    });
  }
}

function toFacts(r: any): ConnectorHealthFacts {
  const date = (v: unknown) => (v == null ? null : new Date(v as string));
  return { ...r, lastSuccessAt: date(r.lastSuccessAt), freshAsOf: date(r.freshAsOf) };
}
