import { ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../../common/pagination/paginated';
import { TicketEvent } from '../models/coverage.models';
import { Message, Ticket } from '../models/ticket.models';
import { TICKETS_TOTAL_COUNT_COST } from './tickets-cost';

@ObjectType()
export class TicketConnection extends Paginated(Ticket, undefined, { totalCountComplexity: TICKETS_TOTAL_COUNT_COST }) {}

@ObjectType()
export class MessageConnection extends Paginated(Message) {}

@ObjectType()
export class TicketEventConnection extends Paginated(TicketEvent) {}
