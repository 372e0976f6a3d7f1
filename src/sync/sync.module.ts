import { Module } from '@nestjs/common';
import { ConnectorsModule } from '../connectors/connectors.module';
import { GorgiasModule } from '../gorgias/gorgias.module';
import { TicketsModule } from '../tickets/tickets.module';
import { ConnectorLatestRunResolver, SyncResolver } from './api/sync.resolver';
import { SyncQueriesService } from './api/sync-queries.service';
import { RunObserverRegistry } from './engine/run-observer';
import { CoverageEvents } from './engine/events/coverage-events';
import { CoverageStage } from './engine/stages/coverage.stage';
import { EventsStage } from './engine/stages/events.stage';
import { CoverageWriteRepository } from '../tickets/repositories/coverage-write.repository';
import { TicketEventWriteRepository } from '../tickets/repositories/ticket-event-write.repository';
import { TicketLinkWriteRepository } from '../tickets/repositories/ticket-link-write.repository';
import { MessagesStage } from './engine/stages/messages.stage';
import { ReconcileStage } from './engine/stages/reconcile.stage';
import { SweepStage } from './engine/stages/sweep.stage';
import { TicketsStage } from './engine/stages/tickets.stage';
import { SyncRunExecutor } from './engine/sync-run.executor';
import { TicketRefresher } from './engine/source/ticket-refresher';
import { RunOutcomeRecorder } from './engine/outcome/run-outcome.recorder';
import { HELPDESK_SOURCES, HelpdeskSources } from './engine/source/helpdesk-source';
import { GorgiasClientFactory } from '../gorgias/gorgias-client.factory';
import { ProgressPublisher } from './signals/progress.publisher';
import { SyncSignals } from './signals/sync-signals';
import { SyncCursorRepository } from './repositories/sync-cursor.repository';
import { SyncLogRepository } from './repositories/sync-log.repository';
import { SyncNotifyRepository } from './repositories/sync-notify.repository';
import { SyncQuarantineRepository } from './repositories/sync-quarantine.repository';
import { SyncRunRepository } from './repositories/sync-run.repository';
import { SyncHistoryPruner } from './scheduling/sync-history.pruner';
import { SyncScheduler } from './scheduling/sync-scheduler';
import { SyncTriggerService } from './scheduling/sync-trigger.service';
import { SyncLogService } from './sync-log.service';
import { RefreshStage } from './engine/refresh/refresh.stage';
import { WebhookRegistrationRetryObserver } from './engine/refresh/webhook-registration-retry.observer';
import { ConnectorFreshnessResolver } from './api/connector-freshness.resolver';
import { FreshnessRepository } from './repositories/freshness.repository';
import { TicketRefreshRequestRepository } from './repositories/ticket-refresh-request.repository';
import { WebhookController } from './intake/webhook.controller';
import { WebhookIntakeService } from './intake/webhook-intake.service';
import { WebhookLogListener } from './scheduling/webhook-log.listener';
import { WebhookRateLimiter } from './intake/webhook-rate-limiter';
import { WebhookBacklogRepository } from './repositories/webhook-backlog.repository';
import { WebhookBudgetRepository } from './repositories/webhook-budget.repository';
import { WebhookRateRepository } from './repositories/webhook-rate.repository';
import { WebhookBacklogPruner } from './scheduling/webhook-backlog.pruner';
import { SyncControlResolver } from './api/sync-control.resolver';
import { SyncControlService } from './api/sync-control.service';
import { SyncRunRetryResolver } from './api/sync-run-retry.resolver';
import { SyncRunControlRepository } from './repositories/sync-run-control.repository';

@Module({
  imports: [ConnectorsModule, GorgiasModule, TicketsModule],
  providers: [
    // repositories: the only SQL for sync_runs, sync_cursors, sync_log_entries, sync_quarantine
    SyncRunRepository,
    SyncCursorRepository,
    SyncLogRepository,
    SyncNotifyRepository,
    SyncQuarantineRepository,
    SyncLogService,
    // signals: progress and the schedulers' wake-ups
    SyncSignals,
    ProgressPublisher,
    // engine
    RunObserverRegistry,
    TicketRefresher,
    MessagesStage,
    TicketsStage,
    ReconcileStage,
    EventsStage,
    CoverageStage,
    // issue 24's writes (agents, teams, tags, surveys, field definitions, ticket links and histories)
    CoverageWriteRepository,
    TicketEventWriteRepository,
    TicketLinkWriteRepository,
    CoverageEvents,
    SweepStage,
    RefreshStage,
    WebhookRegistrationRetryObserver,
    RunOutcomeRecorder,
    SyncRunExecutor,
    // the helpdesk behind the engine's source port: Gorgias' client factory fits it as it is
    { provide: HELPDESK_SOURCES, useFactory: (clients: GorgiasClientFactory): HelpdeskSources => clients, inject: [GorgiasClientFactory] },
    // scheduling
    SyncScheduler,
    SyncTriggerService,
    SyncHistoryPruner,
    // api
    SyncQueriesService,
    SyncResolver,
    ConnectorLatestRunResolver,
    WebhookLogListener,
    TicketRefreshRequestRepository,
    WebhookIntakeService,
    // webhook budget (security review M-1)
    WebhookRateRepository,
    WebhookRateLimiter,
    WebhookBudgetRepository,
    WebhookBacklogRepository,
    WebhookBacklogPruner,
    FreshnessRepository,
    ConnectorFreshnessResolver,
    SyncRunControlRepository,
    SyncControlService,
    SyncControlResolver,
    SyncRunRetryResolver,
  ],
  controllers: [WebhookController],
  exports: [SyncTriggerService, SyncQueriesService, SyncScheduler, RunObserverRegistry, TicketRefresher],
})
export class SyncModule {}
