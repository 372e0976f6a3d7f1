import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SyncLogLevel } from './entities/sync-log-entry.entity';

export interface SyncLogScope {
  tenantId: string;
  connectorId: string;
  runId?: string | null;
}

/** The sync log users read in the portal ("Check sync logs for any issues"), mirrored to the app log. */
@Injectable()
export class SyncLogWriter {
  private readonly logger = new Logger('Sync');

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async write(scope: SyncLogScope, level: SyncLogLevel, message: string, m?: EntityManager): Promise<void> {
    const log = level === SyncLogLevel.ERROR ? 'error' : level === SyncLogLevel.WARN ? 'warn' : 'log';
    this.logger[log]({ connectorId: scope.connectorId, runId: scope.runId, tenantId: scope.tenantId }, message);
    await (m ?? this.dataSource.manager).query(
      `INSERT INTO sync_log_entries (tenant_id, connector_id, run_id, level, message) VALUES ($1, $2, $3, $4, $5)`,
      [scope.tenantId, scope.connectorId, scope.runId ?? null, level, message.slice(0, 4000)],
    );
  }

  info = (s: SyncLogScope, msg: string, m?: EntityManager) => this.write(s, SyncLogLevel.INFO, msg, m);
  warn = (s: SyncLogScope, msg: string, m?: EntityManager) => this.write(s, SyncLogLevel.WARN, msg, m);
  error = (s: SyncLogScope, msg: string, m?: EntityManager) => this.write(s, SyncLogLevel.ERROR, msg, m);
}
