import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConnectorWebhookService } from '../../../connectors/webhooks/connector-webhook.service';
import { TicketRefreshRequestRepository } from '../../repositories/ticket-refresh-request.repository';
import { SyncMode, SyncRunStatus } from '../../sync-run.types';
import { RunContext, RunObserver, RunObserverRegistry, RunOutcome } from '../run-observer';

/**
 * After a complete walk (INCREMENTAL or FULL) succeeded: the refresh requests received before it
 * started are answered (it read every change made before then), and a webhook registration that
 * could not reach Gorgias is tried again, now that Gorgias answered.
 */
@Injectable()
export class WalkAnswersWebhooksObserver implements RunObserver, OnModuleInit {
  private readonly logger = new Logger(WalkAnswersWebhooksObserver.name);

  constructor(
    private readonly registry: RunObserverRegistry,
    private readonly requests: TicketRefreshRequestRepository,
    private readonly webhooks: ConnectorWebhookService,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async onFinished(ctx: RunContext, outcome: RunOutcome): Promise<void> {
    if (outcome.status !== SyncRunStatus.SUCCEEDED || ctx.mode === SyncMode.REFRESH) return;
    const answered = await this.requests.completeReceivedBefore(ctx, ctx.runId);
    if (answered) this.logger.debug(`run ${ctx.runId} answered ${answered} webhook refresh requests`);
    await this.webhooks.retryIfFailed(ctx);
  }
}
