import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../../connectors/connectors.module';
import { appConfig, AppConfig } from '../../config/app.config';
import { SyncModule } from '../../sync/sync.module';
import { FeedCursorCodec } from './ticket-change-cursor';
import { TicketChangeHub } from './ticket-change.hub';
import { TicketChangeMetrics } from './ticket-change.metrics';
import { TicketChangeRecorder } from './ticket-change.recorder';
import { TicketChangeRepository } from './ticket-change.repository';
import { TicketChangeWakeups } from './ticket-change.wakeups';
import { TicketChangesResolver } from './ticket-changes.resolver';
import { TicketChangesService } from './ticket-changes.service';

/** The ticket change feed: recorded by every ticket write, read by query and subscription. */
@Module({
  imports: [ConnectorsModule, SyncModule],
  providers: [
    TicketChangeRepository,
    TicketChangeWakeups,
    TicketChangeHub,
    TicketChangesService,
    TicketChangesResolver,
    TicketChangeRecorder,
    TicketChangeMetrics,
    { provide: FeedCursorCodec, inject: [appConfig.KEY], useFactory: (c: AppConfig) => new FeedCursorCodec(c.encryptionKeys) },
  ],
  exports: [TicketChangeRecorder, TicketChangesService],
})
export class TicketChangesModule {}
