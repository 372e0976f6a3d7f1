import { Inject, Injectable } from '@nestjs/common';
import { appConfig, AppConfig } from '../../config/app.config';
import { EncryptedSecret, SecretCipher } from '../../secrets/secret-cipher';
import { ConnectorRealtime, RealtimeMode } from './connector-realtime.model';
import { ConnectorWebhookRepository, ConnectorWebhookRow } from './connector-webhook.repository';
import { manualSetupSteps } from './webhook-manual-setup';
import { unreadableReason, unreadableWebhookSecretAdvice } from './webhook-secret-unreadable';
import { WEBHOOKS_LIVE_FOR_MS, webhookPath } from './webhook.constants';

/** Connector.realtime, from the stored webhook state. */
@Injectable()
export class ConnectorRealtimeService {
  constructor(
    private readonly webhooks: ConnectorWebhookRepository,
    private readonly cipher: SecretCipher,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async forConnectors(tenantId: string, connectors: readonly { id: string; status: string }[]): Promise<ConnectorRealtime[]> {
    const rows = new Map(
      (
        await this.webhooks.findMany(
          tenantId,
          connectors.map((c) => c.id),
        )
      ).map((r) => [r.connectorId, r]),
    );
    return connectors.map((c) => this.describe(c, rows.get(c.id) ?? null));
  }

  /**
   * Webhooks are live for a syncing connector whose integration we registered, or whose hand-made
   * one posted lately, as long as its secret decrypts: deliveries checked against a secret we cannot
   * read are all refused, so that is polling, shown as an error with its fix.
   */
  describe(
    connector: { id: string; status: string },
    row: (ConnectorWebhookRow & { secret?: EncryptedSecret | null }) | null,
    now = Date.now(),
  ): ConnectorRealtime {
    const base = this.config.publicBaseUrl;
    const webhookUrl = base ? `${base}${webhookPath(connector.id)}` : null;
    const syncing = connector.status === 'ACTIVE' || connector.status === 'ERROR';
    const unreadable = webhookUrl ? unreadableReason(this.cipher, connector.id, row?.secret ?? null) : null;
    const recent = !!row?.lastWebhookAt && now - new Date(row.lastWebhookAt).getTime() < WEBHOOKS_LIVE_FOR_MS;
    const live = !!webhookUrl && syncing && !unreadable && (row?.state === 'REGISTERED' || recent);
    return {
      mode: live ? RealtimeMode.WEBHOOKS : RealtimeMode.POLLING,
      webhookUrl,
      lastWebhookAt: row?.lastWebhookAt ?? null,
      manualSetup: webhookUrl && row?.state === 'REFUSED' ? manualSetupSteps(webhookUrl, row.detail, this.config.sync.pollSeconds) : null,
      error: unreadable ? unreadableWebhookSecretAdvice(unreadable) : null,
    };
  }
}
