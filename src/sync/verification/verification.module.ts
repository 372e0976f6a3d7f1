import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../../connectors/connectors.module';
import { GorgiasClientFactory } from '../../gorgias/gorgias-client.factory';
import { GorgiasModule } from '../../gorgias/gorgias.module';
import { VerificationMetrics } from '../../observability/metrics/verification.metrics';
import { TicketCompareRepository } from '../../tickets/repositories/ticket-compare.repository';
import { TicketsModule } from '../../tickets/tickets.module';
import { HELPDESK_SOURCES, HelpdeskSources } from '../engine/source/helpdesk-source';
import { SyncQuarantineRepository } from '../repositories/sync-quarantine.repository';
import { SyncVerificationRepository } from '../repositories/sync-verification.repository';
import { SyncModule } from '../sync.module';
import { SyncLogService } from '../sync-log.service';
import { SyncLogRepository } from '../repositories/sync-log.repository';
import { VerificationResolver } from './api/verification.resolver';
import { VerificationService } from './api/verification.service';
import { MessageVerifier } from './message-verifier';
import { TicketResyncService } from './ticket-resync.service';
import { TicketVerifier } from './ticket-verifier';
import { VerificationExecutor } from './verification.executor';
import { VerificationHistoryPruner } from './verification-history.pruner';
import { VerificationScheduler } from './verification.scheduler';

/**
 * Verified completeness and targeted repair (docs/operations.md, "Verification"): its queue, scheduler,
 * executor and API. A module of its own beside SyncModule: it uses the sync's run observers (the feed)
 * and ticket refresher, and binds the same helpdesk source port to the same Gorgias client factory, so
 * its calls share each account's pacer with the connector's syncs.
 */
@Module({
  imports: [ConnectorsModule, GorgiasModule, TicketsModule, SyncModule],
  providers: [
    { provide: HELPDESK_SOURCES, useFactory: (clients: GorgiasClientFactory): HelpdeskSources => clients, inject: [GorgiasClientFactory] },
    SyncVerificationRepository,
    SyncQuarantineRepository,
    SyncLogRepository,
    SyncLogService,
    TicketCompareRepository,
    TicketVerifier,
    MessageVerifier,
    VerificationExecutor,
    VerificationScheduler,
    VerificationHistoryPruner,
    TicketResyncService,
    VerificationService,
    VerificationResolver,
    VerificationMetrics,
  ],
})
export class VerificationModule {}
