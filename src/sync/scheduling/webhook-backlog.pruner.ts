import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { appConfig, AppConfig } from '../../config/app.config';
import { WEBHOOK_BACKLOG_PRUNE_INTERVAL_MS, WEBHOOK_REQUEST_MAX_AGE_MS } from '../engine/refresh/refresh.constants';
import { WebhookBacklogPruned, WebhookBacklogRepository } from '../repositories/webhook-backlog.repository';

const PRUNE_JOB = 'webhook-backlog-prune';

/**
 * Every few minutes, on every instance that runs the scheduler: deletes refresh requests older than
 * a day and what else webhooks leave behind (see WebhookBacklogRepository; safe on several instances).
 */
@Injectable()
export class WebhookBacklogPruner implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhookBacklogPruner.name);

  constructor(
    private readonly backlog: WebhookBacklogRepository,
    private readonly registry: SchedulerRegistry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    this.registry.addInterval(
      PRUNE_JOB,
      setInterval(() => void this.prune(), WEBHOOK_BACKLOG_PRUNE_INTERVAL_MS),
    );
  }

  beforeApplicationShutdown(): void {
    if (this.registry.doesExist('interval', PRUNE_JOB)) this.registry.deleteInterval(PRUNE_JOB);
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
