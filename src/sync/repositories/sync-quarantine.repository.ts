import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

/** Which Gorgias object a quarantined record is. */
/** What a refused record was (issue 24 added the coverage objects; migration 110 widens the CHECK). */
export type QuarantinedObjectType = 'ticket' | 'message' | 'agent' | 'team' | 'tag' | 'satisfaction_survey' | 'custom_field';

export interface QuarantineEntry {
  tenantId: string;
  connectorId: string;
  runId: string | null;
  objectType: QuarantinedObjectType;
  externalId: number | string;
  reason: string;
  sqlstate: string | null;
}

export interface QuarantineRow {
  objectType: QuarantinedObjectType;
  externalId: string;
  reason: string;
  sqlstate: string | null;
  attempts: number;
}

interface RecentFields {
  runId: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

/** Records a sync skipped because the database refused them (`sync_quarantine`): the only SQL for that table. */
@Injectable()
export class SyncQuarantineRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inside the page's transaction: the record is skipped in the same commit that moves the checkpoint past it.
   * Times in DO UPDATE come from EXCLUDED (its default now()): Citus takes only immutable functions there.
   */
  async record(m: EntityManager, e: QuarantineEntry): Promise<void> {
    await m.query(
      `INSERT INTO sync_quarantine (tenant_id, connector_id, run_id, object_type, external_id, reason, sqlstate)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (tenant_id, connector_id, object_type, external_id) DO UPDATE SET
         run_id = EXCLUDED.run_id, reason = EXCLUDED.reason, sqlstate = EXCLUDED.sqlstate,
         attempts = sync_quarantine.attempts + 1, last_seen_at = EXCLUDED.last_seen_at`,
      [e.tenantId, e.connectorId, e.runId, e.objectType, String(e.externalId), e.reason, e.sqlstate],
    );
  }

  /** The newest `limit` records, with when they were last refused and by which run (the API's syncQuarantine). */
  async recent(scope: { tenantId: string; connectorId: string }, limit: number): Promise<(QuarantineRow & RecentFields)[]> {
    return this.dataSource.query(
      `SELECT object_type AS "objectType", external_id AS "externalId", reason, sqlstate, attempts,
              run_id AS "runId", first_seen_at AS "firstSeenAt", last_seen_at AS "lastSeenAt"
         FROM sync_quarantine WHERE tenant_id = $1 AND connector_id = $2 ORDER BY last_seen_at DESC, id DESC LIMIT $3`,
      [scope.tenantId, scope.connectorId, limit],
    );
  }

  async list(scope: { tenantId: string; connectorId: string }): Promise<QuarantineRow[]> {
    return this.dataSource.query(
      `SELECT object_type AS "objectType", external_id AS "externalId", reason, sqlstate, attempts
         FROM sync_quarantine WHERE tenant_id = $1 AND connector_id = $2 ORDER BY last_seen_at DESC, id DESC`,
      [scope.tenantId, scope.connectorId],
    );
  }
}
