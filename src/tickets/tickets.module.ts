import { Module } from '@nestjs/common';
import { TicketWriter } from './ticket.writer';

@Module({
  providers: [TicketWriter],
  exports: [TicketWriter],
})
export class TicketsModule {}
