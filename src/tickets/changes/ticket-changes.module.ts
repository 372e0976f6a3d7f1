import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../../connectors/connectors.module';
import { SyncModule } from '../../sync/sync.module';
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
    TicketChangesService,
    TicketChangesResolver,
    TicketChangeRecorder,
    TicketChangeMetrics,
  ],
  exports: [TicketChangeRecorder, TicketChangesService],
})
export class TicketChangesModule {}
