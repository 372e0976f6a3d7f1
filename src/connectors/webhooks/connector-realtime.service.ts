import { Inject, Injectable } from '@nestjs/common';
import { appConfig, AppConfig } from '../../config/app.config';
import { ConnectorRealtime, RealtimeMode } from './connector-realtime.model';
import { ConnectorWebhookRepository, ConnectorWebhookRow } from './connector-webhook.repository';
import { manualSetupSteps } from './webhook-manual-setup';
import { WEBHOOKS_LIVE_FOR_MS, webhookPath } from './webhook.constants';

/** Connector.realtime, from the stored webhook state. */
@Injectable()
export class ConnectorRealtimeService {
  constructor(
    private readonly webhooks: ConnectorWebhookRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async forConnectors(tenantId: string, connectorIds: readonly string[]): Promise<ConnectorRealtime[]> {
    const rows = new Map((await this.webhooks.findMany(tenantId, connectorIds)).map((r) => [r.connectorId, r]));
    return connectorIds.map((id) => this.describe(id, rows.get(id) ?? null));
  }

  describe(connectorId: string, row: ConnectorWebhookRow | null, now = Date.now()): ConnectorRealtime {
    const base = this.config.publicBaseUrl;
    const webhookUrl = base ? `${base}${webhookPath(connectorId)}` : null;
    const recent = !!row?.lastWebhookAt && now - new Date(row.lastWebhookAt).getTime() < WEBHOOKS_LIVE_FOR_MS;
    const live = !!webhookUrl && (row?.state === 'REGISTERED' || recent);
    return {
      mode: live ? RealtimeMode.WEBHOOKS : RealtimeMode.POLLING,
      webhookUrl,
      lastWebhookAt: row?.lastWebhookAt ?? null,
      manualSetup: webhookUrl && row?.state === 'REFUSED' ? manualSetupSteps(webhookUrl, row.detail, this.config.sync.pollSeconds) : null,
    };
  }
}
