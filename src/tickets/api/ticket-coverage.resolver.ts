import { Args, Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphqlContext } from '../../auth/graphql-context';
import { Connection, toConnection } from '../../common/pagination/paginated';
import { TicketCoverageService } from '../queries/ticket-coverage.service';
import { perTicketListComplexity } from './dto/coverage-cost';
import { TicketEventConnection } from './dto/ticket-connections';
import { listComplexity } from './dto/tickets-cost';
import { DEFAULT_HISTORY_PAGE, historyCursor, historyPageArgs } from './history-page.args';
import { Agent, CustomFieldValue, SatisfactionSurvey, Tag, Team, TicketEvent } from './models/coverage.models';
import { Ticket } from './models/ticket.models';
import { agentLoader, customFieldsLoader, historyLoader, satisfactionLoader, tagListLoader, teamLoader } from './coverage.loaders';

const ticketKey = (t: Ticket) => ({ connectorId: t.connectorId, externalId: t.externalId });

/**
 * The coverage fields of a ticket (who it is assigned to, its tags, survey, custom fields and history), each batched over the page of tickets: one query per field, whatever the page size.
 */
@Resolver(() => Ticket)
export class TicketCoverageResolver {
  constructor(private readonly service: TicketCoverageService) {}

  @ResolveField(() => Agent, { nullable: true, description: 'The agent the ticket is assigned to.' })
  assignee(@Parent() t: Ticket, @Context() ctx: GraphqlContext): Promise<Agent> | null {
    if (t.assigneeExternalId == null) return null;
    return agentLoader(ctx, this.service).load({ connectorId: t.connectorId, externalId: t.assigneeExternalId });
  }

  @ResolveField(() => Team, { nullable: true, description: 'The team the ticket is assigned to.' })
  team(@Parent() t: Ticket, @Context() ctx: GraphqlContext): Promise<Team | null> | null {
    if (t.teamExternalId == null) return null;
    return teamLoader(ctx, this.service).load({ connectorId: t.connectorId, externalId: t.teamExternalId });
  }

  @ResolveField(() => [Tag], { description: "The ticket's tags with their Gorgias ids, by name.", complexity: perTicketListComplexity })
  tagList(@Parent() t: Ticket, @Context() ctx: GraphqlContext): Promise<Tag[]> {
    return tagListLoader(ctx, this.service).load(ticketKey(t));
  }

  @ResolveField(() => SatisfactionSurvey, { nullable: true, description: "The customer's satisfaction survey, once Gorgias sent one." })
  satisfaction(@Parent() t: Ticket, @Context() ctx: GraphqlContext): Promise<SatisfactionSurvey | null> {
    return satisfactionLoader(ctx, this.service).load(ticketKey(t));
  }

  @ResolveField(() => [CustomFieldValue], {
    description: 'The values of the ticket fields an admin defined in Gorgias, by label.',
    complexity: perTicketListComplexity,
  })
  customFields(@Parent() t: Ticket, @Context() ctx: GraphqlContext): Promise<CustomFieldValue[]> {
    return customFieldsLoader(ctx, this.service).load(ticketKey(t));
  }

  @ResolveField(() => TicketEventConnection, {
    description: "The ticket's assignment, team, status and tag changes, oldest first.",
    complexity: listComplexity(DEFAULT_HISTORY_PAGE),
  })
  async history(
    @Parent() t: Ticket,
    @Args('first', { type: () => Int, nullable: true, defaultValue: DEFAULT_HISTORY_PAGE, description: 'Page size, 1 to 100.' })
    first: number | null,
    @Args('after', { type: () => String, nullable: true, description: 'The endCursor of the previous page.' }) after: string | null,
    @Context() ctx: GraphqlContext,
  ): Promise<Connection<TicketEvent>> {
    const page = historyPageArgs(first, after);
    const found = await historyLoader(ctx, this.service, page.size, page.at, page.atRaw).load(ticketKey(t));
    return toConnection(found.rows, page.size, found.totalCount, historyCursor);
  }
}
