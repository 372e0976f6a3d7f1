import { Field, GraphQLISODateTime, ObjectType } from '@nestjs/graphql';
import { Paginated } from '../../common/pagination/paginated';
import { TICKETS_TOTAL_COUNT_COST } from '../api/dto/tickets-cost';
import { Ticket } from '../api/models/ticket.models';

@ObjectType('TicketChange', { description: 'A ticket at the position of its latest change in the change feed.' })
export class TicketChange {
  @Field({ description: 'Pass it as `after` to continue after this change (query or subscription).' })
  cursor: string;

  @Field(() => GraphQLISODateTime, { description: "When the change was written here (not Gorgias's clock)." })
  changedAt: Date;

  @Field(() => Ticket, { description: 'The ticket as it is now; deleted and trashed tickets stay as tombstones (deletedAt, trashedAt).' })
  ticket: Ticket;
}

/** totalCount counts every change after the cursor (a join over the tenant's feed), priced like the ticket count. */
export const FEED_TOTAL_COUNT_COST = TICKETS_TOTAL_COUNT_COST;

@ObjectType()
export class TicketChangeConnection extends Paginated(TicketChange, undefined, { totalCountComplexity: FEED_TOTAL_COUNT_COST }) {}
