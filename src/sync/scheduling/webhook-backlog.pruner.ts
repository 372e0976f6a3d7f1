import { Inject, Injectable, Logger } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { appConfig, AppConfig } from '../../config/app.config';
import { WEBHOOK_BACKLOG_PRUNE_INTERVAL_MS, WEBHOOK_REQUEST_MAX_AGE_MS } from '../engine/refresh/refresh.constants';
import { WebhookBacklogPruned, WebhookBacklogRepository } from '../repositories/webhook-backlog.repository';
import { IntervalJob } from './interval-job';

/**
 * Every few minutes, on every instance that runs the scheduler: deletes refresh requests older than
 * a day and what else webhooks leave behind (see WebhookBacklogRepository; safe on several instances).
 */
@Injectable()
export class WebhookBacklogPruner extends IntervalJob {
  private readonly logger = new Logger(WebhookBacklogPruner.name);

  constructor(
    private readonly backlog: WebhookBacklogRepository,
    registry: SchedulerRegistry,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    super(registry, {
      name: 'webhook-backlog-prune',
      intervalMs: WEBHOOK_BACKLOG_PRUNE_INTERVAL_MS,
      enabled: config.sync.schedulerEnabled,
    });
  }

  protected runOnce(): Promise<unknown> {
    return this.prune();
  }

  async prune(): Promise<WebhookBacklogPruned | null> {
    try {
      const pruned = await this.backlog.prune(WEBHOOK_REQUEST_MAX_AGE_MS);
      if (pruned.requests) this.logger.log(`deleted ${pruned.requests} webhook refresh requests older than a day`);
      return pruned;
    } catch (e) {
      this.logger.warn(`could not prune the webhook backlog: ${(e as Error).message}`);
      return null;
    }
  }
}
