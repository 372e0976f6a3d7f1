import { ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../../common/pagination/paginated';
import { Message, Ticket } from '../models/ticket.models';

@ObjectType()
export class TicketConnection extends Paginated(Ticket) {}

@ObjectType()
export class MessageConnection extends Paginated(Message) {}
