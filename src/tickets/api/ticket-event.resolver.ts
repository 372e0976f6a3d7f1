import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphqlContext } from '../../auth/graphql-context';
import { TicketCoverageService } from '../queries/ticket-coverage.service';
import { agentLoader, teamLoader } from './coverage.loaders';
import { Agent, Team, TicketEvent } from './models/coverage.models';

/** Who made a ticket event and whom it assigned: the agents and teams of the whole history page, batched. */
@Resolver(() => TicketEvent)
export class TicketEventResolver {
  constructor(private readonly service: TicketCoverageService) {}

  @ResolveField(() => Agent, { nullable: true, description: 'The agent who made the change (null for rules and the system).' })
  actor(@Parent() e: TicketEvent, @Context() ctx: GraphqlContext): Promise<Agent> | null {
    if (e.actorExternalId == null) return null;
    return agentLoader(ctx, this.service).load({ connectorId: e.connectorId, externalId: e.actorExternalId });
  }

  @ResolveField(() => Agent, { nullable: true, description: 'The agent the ticket was assigned to (assignment events).' })
  assignee(@Parent() e: TicketEvent, @Context() ctx: GraphqlContext): Promise<Agent> | null {
    if (e.assigneeExternalId == null) return null;
    return agentLoader(ctx, this.service).load({ connectorId: e.connectorId, externalId: e.assigneeExternalId });
  }

  @ResolveField(() => Team, { nullable: true, description: 'The team the ticket was assigned to (team events).' })
  team(@Parent() e: TicketEvent, @Context() ctx: GraphqlContext): Promise<Team | null> | null {
    if (e.teamExternalId == null) return null;
    return teamLoader(ctx, this.service).load({ connectorId: e.connectorId, externalId: e.teamExternalId });
  }
}
