import { BadRequestException, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { appConfig, AppConfig } from '../../config/app.config';
import { ConnectorWebhookRepository, WebhookSecretRow } from '../../connectors/webhooks/connector-webhook.repository';
import { bearerOf, secretsMatch, webhookSecretContext } from '../../connectors/webhooks/webhook-secret';
import { WebhookMetrics } from '../../observability/metrics/webhook.metrics';
import { SecretCipher } from '../../secrets/secret-cipher';
import { TicketRefreshRequestRepository } from '../repositories/ticket-refresh-request.repository';
import { WebhookRateLimiter } from './webhook-rate-limiter';
import { ticketIdOf } from './webhook-payload';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Compared against when the connector has no secret, so an unknown id costs the same as a wrong secret. */
const NO_SECRET = 'cxw_no-secret-for-this-connector-000000000000000';

/** 202 (whatever was done with it: the sender learns nothing more), or 429 with the seconds to wait. */
export type IntakeResult = { status: 202 } | { status: 429; retryAfterSeconds: number };

const ANSWERED: IntakeResult = { status: 202 };

/**
 * Takes a Gorgias webhook: rate-limits it by source address, authenticates it with the connector's
 * bearer secret (constant time; every failure is the same bare 401), keeps only those of ACTIVE
 * connectors (ERROR included in what is dropped: nothing would read them), rate-limits it per
 * connector, validates it (400), and records the request durably within the connector's caps; the
 * re-read happens later, on whichever instance claims the run. Every outcome is counted in
 * `cxconnect_webhook_deliveries_total`.
 *
 * Never a 5xx for an authentic request: Gorgias disables an integration after 100 consecutive
 * failures, which would end real-time updates for good, whereas a delivery we could not record
 * (database briefly unavailable) is only late: the connector's next poll reads the change anyway.
 * So an internal failure is logged and answered 202 like a recorded one.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger('WebhookIntake');

  constructor(
    private readonly webhooks: ConnectorWebhookRepository,
    private readonly requests: TicketRefreshRequestRepository,
    private readonly cipher: SecretCipher,
    private readonly limiter: WebhookRateLimiter,
    private readonly metrics: WebhookMetrics,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async accept(connectorId: string, authorization: string | string[] | undefined, body: unknown, address?: string): Promise<IntakeResult> {
    const addressWait = await this.limiter.byAddress(address);
    if (addressWait !== null) return this.rateLimited(addressWait);
    const presented = bearerOf(authorization);
    if (!UUID.test(connectorId) || !presented) this.refuse('unauthorized');
    let sender: WebhookSecretRow | null;
    try {
      sender = await this.webhooks.findSecret(connectorId);
    } catch (e) {
      this.logger.error({ err: e, connectorId }, 'webhook not checked: the database did not answer; the next poll reads the change');
      this.metrics.refused('unavailable');
      return ANSWERED;
    }
    if (!this.authentic(connectorId, sender, presented!)) this.refuse(sender ? 'unauthorized' : 'unknown_connector');
    if (sender!.connectorStatus !== 'ACTIVE') {
      // 202, not an error: Gorgias would disable the integration, which the connector needs once it is active again.
      this.metrics.refused('inactive_connector');
      return ANSWERED;
    }
    const connectorWait = await this.limiter.byConnector(connectorId);
    if (connectorWait !== null) return this.rateLimited(connectorWait);
    let ticketExternalId: string;
    try {
      ticketExternalId = ticketIdOf(body);
    } catch (e) {
      if (e instanceof BadRequestException) this.metrics.refused('invalid_body');
      throw e;
    }
    try {
      const outcome = await this.requests.record(
        { tenantId: sender!.tenantId, connectorId },
        ticketExternalId,
        this.config.webhooks.maxPendingTickets,
      );
      if (outcome === 'MISSING') this.metrics.refused('missing_ticket');
      else this.metrics.accepted(outcome === 'FOLDED' ? 'folded' : 'none');
    } catch (e) {
      this.logger.error({ err: e, connectorId }, 'webhook not recorded: the database did not answer; the next poll reads the change');
      this.metrics.refused('unavailable');
    }
    return ANSWERED;
  }

  private refuse(reason: 'unauthorized' | 'unknown_connector'): never {
    this.metrics.refused(reason);
    throw new UnauthorizedException();
  }

  private rateLimited(retryAfterSeconds: number): IntakeResult {
    this.metrics.refused('rate_limited');
    return { status: 429, retryAfterSeconds };
  }

  private authentic(connectorId: string, sender: WebhookSecretRow | null, presented: string): boolean {
    let expected = NO_SECRET;
    if (sender?.secretCiphertext) {
      try {
        expected = this.cipher.decrypt(
          { ciphertext: sender.secretCiphertext, keyId: sender.secretKeyId },
          webhookSecretContext(connectorId),
        );
      } catch {
        expected = NO_SECRET; // a key no longer configured: nothing can match
      }
    }
    return secretsMatch(presented, expected) && expected !== NO_SECRET;
  }
}
