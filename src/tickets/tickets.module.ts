import { Module } from '@nestjs/common';
import { ConnectorCountsResolver } from './api/connector-counts.resolver';
import { TicketsResolver } from './api/tickets.resolver';
import { TicketsService } from './queries/tickets.service';
import { CustomerRepository } from './repositories/customer.repository';
import { MessageRepository } from './repositories/message.repository';
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
    TicketsService,
    TicketsResolver,
    ConnectorCountsResolver,
  ],
  exports: [TicketWriteRepository, TicketReconcileRepository, TicketsService],
})
export class TicketsModule {}
