import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { ConnectorLifecycle } from '../connector-lifecycle';
import { ConnectorCredentials } from '../credentials/connector-credentials';
import { ConnectorEntity } from '../entities/connector.entity';
import { ConnectorWebhookRepository } from './connector-webhook.repository';
import { WebhookOutcome, WebhookRegistrationService } from './webhook-registration.service';

/**
 * Keeps each connector's Gorgias webhook in step with its status: registered after Save & Activate
 * (and after credentials are fixed), removed after pause and before delete, retried after a sync
 * when Gorgias could not be reached. Runs outside the status change's transaction: an HTTP call to
 * Gorgias never holds a database transaction open, and its failure never undoes the status change.
 */
@Injectable()
export class ConnectorWebhookService implements OnModuleInit {
  private readonly logger = new Logger(ConnectorWebhookService.name);

  constructor(
    private readonly registration: WebhookRegistrationService,
    private readonly webhooks: ConnectorWebhookRepository,
    private readonly credentials: ConnectorCredentials,
    private readonly lifecycle: ConnectorLifecycle,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register({
      afterActivated: (c) => this.register(c),
      afterPaused: (c) => this.remove(c),
      beforeDeleted: (c) => this.remove(c),
    });
  }

  async register(connector: ConnectorEntity): Promise<void> {
    if (!this.registration.enabled) return;
    await this.guarded(connector, async () => {
      const found = await this.credentials.findWithCredentials({ tenantId: connector.tenantId, connectorId: connector.id });
      if (!found) return { state: 'OFF' };
      return this.registration.register(connector, found.credentials);
    });
  }

  async remove(connector: ConnectorEntity): Promise<void> {
    await this.guarded(connector, async () => {
      const found = await this.credentials.findWithCredentials({ tenantId: connector.tenantId, connectorId: connector.id });
      if (!found) return { state: 'OFF' };
      return this.registration.remove(connector, found.credentials);
    });
  }

  /** After a successful sync: a registration that could not reach Gorgias is tried again. */
  async retryIfFailed(c: { tenantId: string; connectorId: string }): Promise<void> {
    if (!this.registration.enabled || !(await this.webhooks.needsRetry(c))) return;
    const found = await this.credentials.findWithCredentials(c);
    if (found) await this.register(found.connector);
  }

  private async guarded(connector: ConnectorEntity, work: () => Promise<WebhookOutcome>): Promise<void> {
    try {
      const outcome = await work();
      if (outcome.state !== 'OFF') await this.lifecycle.webhookChanged(connector, outcome);
    } catch (e) {
      // The connector works without its webhook (polling); never fail the user's action for it.
      this.logger.error({ err: e, connectorId: connector.id }, 'webhook registration step failed');
    }
  }
}
