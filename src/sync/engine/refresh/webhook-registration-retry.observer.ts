import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConnectorWebhookService } from '../../../connectors/webhooks/connector-webhook.service';
import { SyncMode, SyncRunStatus } from '../../sync-run.types';
import { RunContext, RunObserver, RunObserverRegistry, RunOutcome } from '../run-observer';

/**
 * After a complete walk (INCREMENTAL or FULL) succeeded, a webhook registration that could not reach
 * Gorgias is tried again, now that Gorgias answered. (The refresh requests the walk answered are
 * removed just before the run is finished: RunOutcomeRecorder.succeed.)
 */
@Injectable()
export class WebhookRegistrationRetryObserver implements RunObserver, OnModuleInit {
  constructor(
    private readonly registry: RunObserverRegistry,
    private readonly webhooks: ConnectorWebhookService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async onFinished(ctx: RunContext, outcome: RunOutcome): Promise<void> {
    if (outcome.status !== SyncRunStatus.SUCCEEDED || ctx.mode === SyncMode.REFRESH) return;
    await this.webhooks.retryIfFailed(ctx);
  }
}
