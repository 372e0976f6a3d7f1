import { Injectable } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import type { AuthUser } from '../../auth/auth-user';
import { ConnectorLifecycle } from '../connector-lifecycle';
import { ConnectorsService } from '../connectors.service';
import { ConnectorCredentials } from '../credentials/connector-credentials';
import { WebhookRegistrationService } from './webhook-registration.service';

/**
 * The `rotateWebhookSecret` mutation's work (tenant check, GraphQL errors). Apart from
 * ConnectorWebhookService, which the sync engine calls after a run, so that the engine reaches no
 * GraphQL through it.
 */
@Injectable()
export class WebhookSecretResetService {
  constructor(
    private readonly connectors: ConnectorsService,
    private readonly credentials: ConnectorCredentials,
    private readonly registration: WebhookRegistrationService,
    private readonly lifecycle: ConnectorLifecycle,
  ) {}

  async rotateSecret(user: AuthUser, connectorId: string): Promise<string> {
    const connector = await this.connectors.get(user, connectorId);
    if (!this.registration.enabled) {
      throw new GraphQLError('Webhooks are off in this deployment (PUBLIC_BASE_URL is not set), so there is no webhook secret.', {
        extensions: { code: 'FAILED_PRECONDITION' },
      });
    }
    const found = await this.credentials.findWithCredentials({ tenantId: connector.tenantId, connectorId: connector.id });
    const { secret, outcome } = await this.registration.rotateSecret(connector, found!.credentials);
    await this.lifecycle.webhookChanged(connector, outcome);
    return secret;
  }
}
