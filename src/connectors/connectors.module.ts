import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GorgiasModule } from '../gorgias/gorgias.module';
import { ConnectionCheckService } from './connection-check.service';
import { ConnectorLifecycle } from './connector-lifecycle';
import { ConnectorSyncStatus } from './connector-sync-status';
import { ConnectorCredentials } from './credentials/connector-credentials';
import { CredentialRotationService } from './credentials/credential-rotation';
import { ConnectorsResolver } from './api/connectors.resolver';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorsService } from './connectors.service';
import { ConnectorEntity } from './entities/connector.entity';
import { ConnectorLastCheckResolver } from './api/connector-last-check.resolver';
import { ConnectorRealtimeResolver } from './webhooks/connector-realtime.resolver';
import { ConnectorRealtimeService } from './webhooks/connector-realtime.service';
import { ConnectorWebhookRepository } from './webhooks/connector-webhook.repository';
import { ConnectorWebhookService } from './webhooks/connector-webhook.service';
import { WebhookRegistrationService } from './webhooks/webhook-registration.service';
import { WebhookSecretResetService } from './webhooks/webhook-secret-reset.service';

@Module({
  imports: [TypeOrmModule.forFeature([ConnectorEntity]), GorgiasModule],
  providers: [
    ConnectorsService,
    ConnectorsRepository,
    ConnectorCredentials,
    ConnectorSyncStatus,
    ConnectionCheckService,
    ConnectorLifecycle,
    ConnectorsResolver,
    CredentialRotationService,
    ConnectorWebhookRepository,
    WebhookRegistrationService,
    ConnectorWebhookService,
    ConnectorRealtimeService,
    ConnectorRealtimeResolver,
    WebhookSecretResetService,
    ConnectorLastCheckResolver,
  ],
  exports: [
    ConnectorsService,
    ConnectorCredentials,
    ConnectorSyncStatus,
    ConnectorLifecycle,
    ConnectorWebhookRepository,
    ConnectorWebhookService,
    WebhookRegistrationService,
  ],
})
export class ConnectorsModule {}
