import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SyncLogRepository, SyncLogScope } from './repositories/sync-log.repository';
import { SyncLogLevel } from './sync-run.types';

export type { SyncLogScope } from './repositories/sync-log.repository';

/** The sync log users read in the portal ("Check sync logs for any issues"), mirrored to the app log. */
@Injectable()
export class SyncLogService {
  private readonly logger = new Logger('Sync');

  constructor(private readonly repository: SyncLogRepository) {}

  async write(scope: SyncLogScope, level: SyncLogLevel, message: string, m?: EntityManager): Promise<void> {
    const log = level === SyncLogLevel.ERROR ? 'error' : level === SyncLogLevel.WARN ? 'warn' : 'log';
    this.logger[log]({ connectorId: scope.connectorId, runId: scope.runId, tenantId: scope.tenantId }, message);
    await this.repository.insert(scope, level, message, m);
  }

  info = (s: SyncLogScope, msg: string, m?: EntityManager) => this.write(s, SyncLogLevel.INFO, msg, m);
  warn = (s: SyncLogScope, msg: string, m?: EntityManager) => this.write(s, SyncLogLevel.WARN, msg, m);
  error = (s: SyncLogScope, msg: string, m?: EntityManager) => this.write(s, SyncLogLevel.ERROR, msg, m);
}
