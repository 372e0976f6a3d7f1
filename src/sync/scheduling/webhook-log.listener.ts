import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { appConfig, AppConfig } from '../../config/app.config';
import { ConnectorLifecycle } from '../../connectors/connector-lifecycle';
import type { WebhookOutcome } from '../../connectors/webhooks/webhook-registration.service';
import { unreadableWebhookSecretAdvice } from '../../connectors/webhooks/webhook-secret-unreadable';
import { SyncLogService } from '../sync-log.service';

/** Tells the sync log what happened to the connector's webhook, in the user's words. */
@Injectable()
export class WebhookLogListener implements OnModuleInit {
  constructor(
    private readonly lifecycle: ConnectorLifecycle,
    private readonly logs: SyncLogService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register({ webhookChanged: (c, outcome) => this.log({ tenantId: c.tenantId, connectorId: c.id }, outcome) });
  }

  private async log(scope: { tenantId: string; connectorId: string }, outcome: WebhookOutcome): Promise<void> {
    const polling = `The connector keeps syncing by polling Gorgias every ${this.config.sync.pollSeconds} s.`;
    switch (outcome.state) {
      case 'REGISTERED':
        return this.logs.info(
          scope,
          `Webhook registered in Gorgias (integration ${outcome.integrationId}): changes are re-read within seconds; ` +
            `polling continues at the connector's interval as the safety net (deletions and trash have no webhook).`,
        );
      case 'REFUSED':
        return this.logs.warn(
          scope,
          `${outcome.reason} ${polling} A Gorgias admin can add the webhook by hand: the steps are in the connector's realtime.manualSetup.`,
        );
      case 'FAILED':
        return this.logs.warn(scope, `${outcome.reason} ${polling}`);
      case 'REMOVED':
        return this.logs.info(scope, 'Webhook removed from Gorgias.');
      case 'KEPT':
        return this.logs.warn(
          scope,
          `Could not remove the webhook from Gorgias (${outcome.reason}); its deliveries are ignored while the connector is paused.`,
        );
      case 'ROTATED':
        return this.logs.info(scope, 'A new webhook secret was made; the previous one no longer works.');
      case 'UNREADABLE':
        return this.logs.error(scope, unreadableWebhookSecretAdvice(outcome.reason));
      case 'OFF':
        return;
    }
  }
}
