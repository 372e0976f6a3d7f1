import { Inject, Injectable, Logger } from '@nestjs/common';
import { appConfig, AppConfig } from '../../config/app.config';
import { GorgiasApiError } from '../../gorgias/gorgias-api.error';
import { GorgiasClient } from '../../gorgias/gorgias-client';
import { GorgiasClientFactory } from '../../gorgias/gorgias-client.factory';
import { GorgiasCredentials, GorgiasHttpIntegrationInput } from '../../gorgias/gorgias.types';
import { SecretCipher, SecretUnreadableError } from '../../secrets/secret-cipher';
import { ConnectorWebhookRepository } from './connector-webhook.repository';
import { MAX_INTEGRATION_PAGES, WEBHOOK_FORM, WEBHOOK_INTEGRATION_NAME, WEBHOOK_TRIGGERS, webhookPath } from './webhook.constants';
import { newWebhookSecret, webhookSecretContext } from './webhook-secret';

/** What happened to a connector's webhook, for its sync log. */
export type WebhookOutcome =
  | { state: 'OFF' }
  | { state: 'REGISTERED'; integrationId: number }
  | { state: 'REFUSED'; reason: string }
  | { state: 'FAILED'; reason: string }
  | { state: 'REMOVED' }
  | { state: 'KEPT'; reason: string }
  | { state: 'ROTATED' }
  /** The stored secret no configured key decrypts (`reason` says why): a new one is needed (rotateWebhookSecret). */
  | { state: 'UNREADABLE'; reason: string };

interface ConnectorRef {
  id: string;
  tenantId: string;
  /** When known: a rotation registers our webhook again for a connector that syncs. */
  status?: string;
}

/**
 * The connector's Gorgias webhook: one HTTP integration per connector, registered on activation
 * and resume, deleted on pause and delete. Its bearer secret is random per connector, stored
 * encrypted (bound to the connector) and never returned or logged; it survives pause and resume, so
 * an integration an admin added by hand keeps working. Failures never stop the connector: it polls.
 */
@Injectable()
export class WebhookRegistrationService {
  private readonly logger = new Logger(WebhookRegistrationService.name);

  constructor(
    private readonly webhooks: ConnectorWebhookRepository,
    private readonly clients: GorgiasClientFactory,
    private readonly cipher: SecretCipher,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.config.publicBaseUrl !== null;
  }

  urlOf(connectorId: string): string | null {
    return this.config.publicBaseUrl ? `${this.config.publicBaseUrl}${webhookPath(connectorId)}` : null;
  }

  async register(connector: ConnectorRef, credentials: GorgiasCredentials): Promise<WebhookOutcome> {
    const url = this.urlOf(connector.id);
    if (!url) return { state: 'OFF' };
    const existing = await this.webhooks.findSecret(connector.id);
    let secret: string;
    let encrypted: { ciphertext: string; keyId: string } | undefined;
    if (existing?.secretCiphertext) {
      try {
        secret = this.cipher.decrypt(
          { ciphertext: existing.secretCiphertext, keyId: existing.secretKeyId },
          webhookSecretContext(connector.id),
        );
      } catch (e) {
        // Registering a secret we cannot read would only produce 401s; the sync log tells the user to rotate it.
        if (e instanceof SecretUnreadableError) return { state: 'UNREADABLE', reason: e.message };
        throw e;
      }
    } else {
      secret = newWebhookSecret();
      encrypted = this.cipher.encrypt(secret, webhookSecretContext(connector.id));
    }
    const client = this.clients.create(credentials);
    const save = (state: 'REGISTERED' | 'REFUSED' | 'FAILED', integrationId: number | null, detail: string | null) =>
      this.webhooks.save(undefined, {
        connectorId: connector.id,
        tenantId: connector.tenantId,
        state,
        integrationId,
        url,
        detail,
        secret: encrypted,
      });
    try {
      await this.removeStale(client, url);
      const created = await client.createIntegration(this.integrationBody(url, secret));
      if (!created || typeof created.id !== 'number')
        throw new GorgiasApiError('UNREACHABLE', 'POST /integrations: no integration id in the answer');
      await save('REGISTERED', created.id, null);
      return { state: 'REGISTERED', integrationId: created.id };
    } catch (e) {
      const outcome = this.failure(e);
      await save(outcome.state, null, outcome.reason);
      if (!(e instanceof GorgiasApiError)) this.logger.error({ err: e, connectorId: connector.id }, 'webhook registration failed');
      return outcome;
    }
  }

  /** Pause and delete: the integration goes from Gorgias, so Gorgias stops posting. */
  async remove(connector: ConnectorRef, credentials: GorgiasCredentials): Promise<WebhookOutcome> {
    const row = await this.webhooks.find({ tenantId: connector.tenantId, connectorId: connector.id });
    if (!row || row.state !== 'REGISTERED' || !row.integrationId) return { state: 'OFF' };
    try {
      await this.clients.create(credentials).deleteIntegration(Number(row.integrationId));
      await this.webhooks.save(undefined, { ...row, state: 'REMOVED', integrationId: null, detail: null });
      return { state: 'REMOVED' };
    } catch (e) {
      // Deliveries to a paused connector are answered 2xx and ignored, so a leftover integration does no harm.
      const reason = e instanceof GorgiasApiError ? e.message : 'unexpected error';
      return { state: 'KEPT', reason };
    }
  }

  /**
   * A new secret, returned this once: for an integration added by hand (Gorgias refused ours). A
   * registered integration is registered again with it, so it keeps working.
   */
  async rotateSecret(connector: ConnectorRef, credentials: GorgiasCredentials): Promise<{ secret: string; outcome: WebhookOutcome }> {
    const url = this.urlOf(connector.id);
    if (!url) throw new Error('webhooks are off (PUBLIC_BASE_URL is not set)');
    const secret = newWebhookSecret();
    const encrypted = this.cipher.encrypt(secret, webhookSecretContext(connector.id));
    const row = await this.webhooks.find({ tenantId: connector.tenantId, connectorId: connector.id });
    await this.webhooks.save(undefined, {
      connectorId: connector.id,
      tenantId: connector.tenantId,
      state: row?.state ?? 'REFUSED',
      integrationId: row?.integrationId ?? null,
      url,
      detail: row?.detail ?? null,
      secret: encrypted,
    });
    // Ours is registered again: the one in Gorgias, or the one an unreadable secret kept from registering
    // (the connector syncs, and Gorgias did not refuse it). One added by hand gets the secret from the answer.
    const syncing = connector.status === 'ACTIVE' || connector.status === 'ERROR';
    const ours = row?.state === 'REGISTERED' || (syncing && row?.state !== 'REFUSED');
    const outcome: WebhookOutcome = ours ? await this.register(connector, credentials) : { state: 'ROTATED' };
    return { secret, outcome };
  }

  integrationBody(url: string, secret: string): GorgiasHttpIntegrationInput {
    return {
      type: 'http',
      name: WEBHOOK_INTEGRATION_NAME,
      http: {
        url,
        method: 'POST',
        request_content_type: 'application/json',
        headers: { Authorization: `Bearer ${secret}` },
        form: { ...WEBHOOK_FORM },
        triggers: Object.fromEntries(WEBHOOK_TRIGGERS.map((t) => [t, true])),
      },
    };
  }

  /** Ours from an attempt whose answer was lost (same URL): removed first, so Gorgias never posts twice. */
  private async removeStale(client: GorgiasClient, url: string): Promise<void> {
    let pages = 0;
    for await (const page of client.paginate((cursor) => client.listIntegrations({ limit: 100, cursor }))) {
      for (const i of page.data) {
        if (i.type === 'http' && i.http?.url === url) await client.deleteIntegration(i.id);
      }
      if (++pages >= MAX_INTEGRATION_PAGES) return;
    }
  }

  private failure(e: unknown): { state: 'REFUSED' | 'FAILED'; reason: string } {
    if (e instanceof GorgiasApiError && (e.code === 'PERMISSION_DENIED' || e.code === 'BAD_REQUEST')) {
      return {
        state: 'REFUSED',
        reason:
          e.code === 'PERMISSION_DENIED'
            ? "Gorgias refused to create the webhook: only an admin's API key may add integrations."
            : `Gorgias refused the webhook (HTTP ${e.details.status ?? 400}).`,
      };
    }
    return {
      state: 'FAILED',
      reason: `Gorgias could not be reached to create the webhook (${e instanceof GorgiasApiError ? e.code : 'error'}); it is tried again after the next sync.`,
    };
  }
}
