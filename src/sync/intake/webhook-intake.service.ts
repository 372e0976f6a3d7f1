import { Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { ConnectorWebhookRepository, WebhookSecretRow } from '../../connectors/webhooks/connector-webhook.repository';
import { bearerOf, secretsMatch, webhookSecretContext } from '../../connectors/webhooks/webhook-secret';
import { SecretCipher } from '../../secrets/secret-cipher';
import { TicketRefreshRequestRepository } from '../repositories/ticket-refresh-request.repository';
import { ticketIdOf } from './webhook-payload';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Compared against when the connector has no secret, so an unknown id costs the same as a wrong secret. */
const NO_SECRET = 'cxw_no-secret-for-this-connector-000000000000000';

export type IntakeResult = 'RECORDED' | 'IGNORED_PAUSED' | 'NOT_RECORDED';

/**
 * Takes a Gorgias webhook: authenticates it with the connector's bearer secret (constant time;
 * every failure is the same bare 401), validates it (400), and records the request durably; the
 * re-read happens later, on whichever instance claims the refresh run.
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
  ) {}

  async accept(connectorId: string, authorization: string | string[] | undefined, body: unknown): Promise<IntakeResult> {
    const presented = bearerOf(authorization);
    if (!UUID.test(connectorId) || !presented) throw new UnauthorizedException();
    let sender: WebhookSecretRow | null;
    try {
      sender = await this.webhooks.findSecret(connectorId);
    } catch (e) {
      this.logger.error({ err: e, connectorId }, 'webhook not checked: the database did not answer; the next poll reads the change');
      return 'NOT_RECORDED';
    }
    if (!this.authentic(connectorId, sender, presented)) throw new UnauthorizedException();
    if (sender!.connectorStatus === 'PAUSED' || sender!.connectorStatus === 'DRAFT') return 'IGNORED_PAUSED';
    const ticketExternalId = ticketIdOf(body);
    try {
      await this.requests.record({ tenantId: sender!.tenantId, connectorId }, ticketExternalId);
      return 'RECORDED';
    } catch (e) {
      this.logger.error({ err: e, connectorId }, 'webhook not recorded: the database did not answer; the next poll reads the change');
      return 'NOT_RECORDED';
    }
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
