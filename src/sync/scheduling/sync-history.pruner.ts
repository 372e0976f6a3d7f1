import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { REFRESH_RUN_RETENTION_DAYS } from '../engine/refresh/refresh.constants';
import { SchedulerRegistry } from '@nestjs/schedule';
import { appConfig, AppConfig } from '../../config/app.config';
import { SyncLogRepository } from '../repositories/sync-log.repository';
import { SyncRunRepository } from '../repositories/sync-run.repository';
import { HISTORY_PRUNE_INTERVAL_MS } from '../sync.constants';

const PRUNE_JOB = 'sync-history-prune';

/** Sync history retention: runs and log lines past SYNC_HISTORY_RETENTION_DAYS go, hourly (idempotent across instances). */
@Injectable()
export class SyncHistoryPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SyncHistoryPruner.name);

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly logs: SyncLogRepository,
    private readonly registry: SchedulerRegistry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    this.registry.addInterval(
      PRUNE_JOB,
      setInterval(() => void this.pruneHistory(), HISTORY_PRUNE_INTERVAL_MS),
    );
  }

  beforeApplicationShutdown(): void {
    if (this.registry.doesExist('interval', PRUNE_JOB)) this.registry.deleteInterval(PRUNE_JOB);
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
