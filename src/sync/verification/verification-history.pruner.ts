import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { appConfig, AppConfig } from '../../config/app.config';
import { SyncVerificationRepository } from '../repositories/sync-verification.repository';
import { IntervalJob } from '../scheduling/interval-job';
import { HISTORY_PRUNE_INTERVAL_MS } from '../sync.constants';

/** Verification reports past SYNC_HISTORY_RETENTION_DAYS go, hourly, like the runs; each connector's latest stays (for /metrics). */
@Injectable()
export class VerificationHistoryPruner extends IntervalJob {
  private readonly logger = new Logger(VerificationHistoryPruner.name);

  constructor(
    private readonly verifications: SyncVerificationRepository,
    registry: SchedulerRegistry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    super(registry, { name: 'verification-history-prune', intervalMs: HISTORY_PRUNE_INTERVAL_MS, enabled: config.sync.schedulerEnabled });
  }

  protected runOnce(): Promise<number> {
    return this.prune();
  }

  /** Deletes the reports past the retention period; returns how many went. */
  async prune(): Promise<number> {
    try {
      return await this.verifications.pruneFinished(this.config.sync.historyRetentionDays);
    } catch (e) {
      this.logger.warn(`could not prune verification reports: ${(e as Error).message}`);
      return 0;
    }
  }
}
