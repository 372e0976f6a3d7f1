import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GorgiasModule } from '../gorgias/gorgias.module';
import { ConnectionCheckService } from './connection-check.service';
import { ConnectorLifecycle } from './connector-lifecycle';
import { CredentialRotationService } from './credential-rotation';
import { ConnectorsResolver } from './connectors.resolver';
import { ConnectorsRepository } from './connectors.repository';
import { ConnectorsService } from './connectors.service';
import { ConnectorEntity } from './entities/connector.entity';
import { ConnectorLastCheckResolver } from './connector-last-check.resolver';
import { ConnectorRealtimeResolver } from './webhooks/connector-realtime.resolver';
import { ConnectorRealtimeService } from './webhooks/connector-realtime.service';
import { ConnectorWebhookRepository } from './webhooks/connector-webhook.repository';
import { ConnectorWebhookService } from './webhooks/connector-webhook.service';
import { WebhookRegistrationService } from './webhooks/webhook-registration.service';

@Module({
  imports: [TypeOrmModule.forFeature([ConnectorEntity]), GorgiasModule],
  providers: [
    ConnectorsService,
    ConnectorsRepository,
    ConnectionCheckService,
    ConnectorLifecycle,
    ConnectorsResolver,
    CredentialRotationService,
    ConnectorWebhookRepository,
    WebhookRegistrationService,
    ConnectorWebhookService,
    ConnectorRealtimeService,
    ConnectorRealtimeResolver,
    ConnectorLastCheckResolver,
  ],
  exports: [ConnectorsService, ConnectorLifecycle, ConnectorWebhookRepository, ConnectorWebhookService, WebhookRegistrationService],
})
export class ConnectorsModule {}
