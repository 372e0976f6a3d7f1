import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectorCountsResolver } from './connector-counts.resolver';
import { TICKET_ENTITIES } from './entities';
import { TicketWriter } from './ticket.writer';
import { TicketsResolver } from './tickets.resolver';
import { TicketsService } from './tickets.service';

@Module({
  imports: [TypeOrmModule.forFeature(TICKET_ENTITIES)],
  providers: [TicketWriter, TicketsService, TicketsResolver, ConnectorCountsResolver],
  exports: [TicketWriter, TicketsService],
})
export class TicketsModule {}
