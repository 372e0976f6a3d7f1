import { Module } from '@nestjs/common';
import { ConnectorCountsResolver } from './api/connector-counts.resolver';
import { DirectoryResolver } from './api/directory.resolver';
import { TicketCoverageResolver } from './api/ticket-coverage.resolver';
import { TicketEventResolver } from './api/ticket-event.resolver';
import { TicketsResolver } from './api/tickets.resolver';
import { TicketCoverageService } from './queries/ticket-coverage.service';
import { TicketsService } from './queries/tickets.service';
import { DirectoryRepository } from './repositories/directory.repository';
import { TicketCoverageRepository } from './repositories/ticket-coverage.repository';
import { TicketHistoryRepository } from './repositories/ticket-history.repository';
import { CustomerRepository } from './repositories/customer.repository';
import { MessageRepository } from './repositories/message.repository';
import { PlannerStatisticsRepository } from './repositories/planner-statistics.repository';
import { TicketReconcileRepository } from './repositories/ticket-reconcile.repository';
import { TicketWriteRepository } from './repositories/ticket-write.repository';
import { TicketRepository } from './repositories/ticket.repository';

@Module({
  providers: [
    TicketRepository,
    MessageRepository,
    CustomerRepository,
    TicketWriteRepository,
    TicketReconcileRepository,
    PlannerStatisticsRepository,
    TicketsService,
    TicketsResolver,
    ConnectorCountsResolver,
    // Coverage (agents, teams, tags, surveys, custom fields, history): the read side.
    DirectoryRepository,
    TicketCoverageRepository,
    TicketHistoryRepository,
    TicketCoverageService,
    TicketCoverageResolver,
    TicketEventResolver,
    DirectoryResolver,
  ],
  exports: [TicketWriteRepository, TicketReconcileRepository, PlannerStatisticsRepository, TicketsService],
})
export class TicketsModule {}
