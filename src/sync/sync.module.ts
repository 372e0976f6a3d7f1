import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectorsModule } from '../connectors/connectors.module';
import { GorgiasModule } from '../gorgias/gorgias.module';
import { TicketsModule } from '../tickets/tickets.module';
import { SyncCursorEntity } from './entities/sync-cursor.entity';
import { SyncLogEntryEntity } from './entities/sync-log-entry.entity';
import { SyncRunEntity } from './entities/sync-run.entity';
import { SyncLogWriter } from './sync-log.writer';
import { SyncProgressBus } from './sync-progress.bus';
import { SyncRunStore } from './sync-run.store';
import { SyncScheduler } from './sync-scheduler.service';
import { ConnectorLatestRunResolver, SyncResolver } from './sync.resolver';
import { SyncService } from './sync.service';
import { TicketSyncService } from './ticket-sync.service';
import { WebhookLogListener } from './webhook-log.listener';
import { ConnectorFreshnessResolver } from './connector-freshness.resolver';
import { FreshnessRepository } from './freshness.repository';
import { TicketRefreshRequestRepository } from './intake/ticket-refresh-request.repository';
import { WebhookController } from './intake/webhook.controller';
import { WebhookIntakeService } from './intake/webhook-intake.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([SyncRunEntity, SyncLogEntryEntity, SyncCursorEntity]),
    ConnectorsModule,
    GorgiasModule,
    TicketsModule,
  ],
  providers: [
    SyncRunStore,
    SyncLogWriter,
    SyncProgressBus,
    TicketSyncService,
    SyncScheduler,
    SyncService,
    SyncResolver,
    ConnectorLatestRunResolver,
    WebhookLogListener,
    TicketRefreshRequestRepository,
    WebhookIntakeService,
    FreshnessRepository,
    ConnectorFreshnessResolver,
  ],
  controllers: [WebhookController],
  exports: [SyncService, SyncScheduler],
})
export class SyncModule {}
