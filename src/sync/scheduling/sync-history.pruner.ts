import { Inject, Injectable, Logger } from '@nestjs/common';
import { REFRESH_RUN_RETENTION_DAYS } from '../engine/refresh/refresh.constants';
import { SchedulerRegistry } from '@nestjs/schedule';
import { appConfig, AppConfig } from '../../config/app.config';
import { SyncLogRepository } from '../repositories/sync-log.repository';
import { SyncRunRepository } from '../repositories/sync-run.repository';
import { HISTORY_PRUNE_INTERVAL_MS } from '../sync.constants';
import { IntervalJob } from './interval-job';

/** Sync history retention: runs and log lines past SYNC_HISTORY_RETENTION_DAYS go, hourly (idempotent across instances). */
@Injectable()
export class SyncHistoryPruner extends IntervalJob {
  private readonly logger = new Logger(SyncHistoryPruner.name);

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly logs: SyncLogRepository,
    registry: SchedulerRegistry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    super(registry, { name: 'sync-history-prune', intervalMs: HISTORY_PRUNE_INTERVAL_MS, enabled: config.sync.schedulerEnabled });
  }

  protected runOnce(): Promise<unknown> {
    return this.pruneHistory();
  }

  /** Deletes sync runs and log lines past the retention period; the latest run of each connector stays. */
  async pruneHistory(): Promise<{ runs: number; logLines: number }> {
    const days = this.config.sync.historyRetentionDays;
    try {
      const logLines = await this.logs.pruneOlderThan(days);
      const runs = await this.runs.pruneFinished(days, REFRESH_RUN_RETENTION_DAYS);
      if (runs || logLines) this.logger.log(`pruned sync history older than ${days} days: ${runs} runs, ${logLines} log lines`);
      return { runs, logLines };
    } catch (e) {
      this.logger.warn(`could not prune sync history: ${(e as Error).message}`);
      return { runs: 0, logLines: 0 };
    }
  }
}
