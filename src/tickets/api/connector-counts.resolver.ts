import { Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphqlContext } from '../../auth/graphql-context';
import { Connector } from '../../connectors/api/models/connector.models';
import { messageCountLoader, ticketCountLoader } from './tickets.loaders';
import { TicketsService } from '../queries/tickets.service';

/** Connector.ticketCount / messageCount: one query per field for a whole list of connectors. */
@Resolver(() => Connector)
export class ConnectorCountsResolver {
  constructor(private readonly service: TicketsService) {}

  @ResolveField(() => Int, { description: 'Synced tickets that are not deleted.' })
  ticketCount(@Parent() connector: Connector, @Context() ctx: GraphqlContext): Promise<number> {
    return ticketCountLoader(ctx, this.service).load(connector.id);
  }

  @ResolveField(() => Int, { description: 'Synced messages of tickets that are not deleted.' })
  messageCount(@Parent() connector: Connector, @Context() ctx: GraphqlContext): Promise<number> {
    return messageCountLoader(ctx, this.service).load(connector.id);
  }
}
