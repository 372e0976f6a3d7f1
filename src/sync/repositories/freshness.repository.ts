import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { queryRows } from '../../database/query-rows';

/** When each connector's last complete walk of Gorgias started (the basis of Connector.dataFreshAsOf). */
@Injectable()
export class FreshnessRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async lastCompleteWalkStarts(tenantId: string, connectorIds: readonly string[]): Promise<Map<string, Date>> {
    const rows = await queryRows<{ connectorId: string; startedAt: Date }>(
      this.dataSource,
      `SELECT connector_id AS "connectorId", max(started_at) AS "startedAt"
         FROM sync_runs
        WHERE tenant_id = $1 AND connector_id = ANY($2::uuid[]) AND status = 'SUCCEEDED' AND mode IN ('INCREMENTAL','FULL')
        GROUP BY connector_id`,
      [tenantId, connectorIds],
    );
    return new Map(rows.map((r) => [r.connectorId, r.startedAt]));
  }
}
