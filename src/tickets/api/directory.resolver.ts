import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { TicketCoverageService } from '../queries/ticket-coverage.service';
import { toAgent } from './coverage.loaders';
import { directoryListComplexity } from './dto/coverage-cost';
import { Agent, Tag, Team } from './models/coverage.models';

/** A connector's directory: its agents (Gorgias users), teams and tags, by name. Another tenant's connector is empty. */
@Resolver()
export class DirectoryResolver {
  constructor(private readonly service: TicketCoverageService) {}

  @Query(() => [Agent], {
    description: "The connector's Gorgias users (agents), by name; deactivated ones have active false.",
    complexity: directoryListComplexity,
  })
  async agents(@CurrentUser() user: AuthUser, @Args('connectorId', { type: () => ID }) connectorId: string): Promise<Agent[]> {
    return (await this.service.agents(user, connectorId)).map(toAgent);
  }

  @Query(() => [Team], { description: "The connector's Gorgias teams, by name.", complexity: directoryListComplexity })
  async teams(@CurrentUser() user: AuthUser, @Args('connectorId', { type: () => ID }) connectorId: string): Promise<Team[]> {
    return (await this.service.teams(user, connectorId)).map((r) => ({ externalId: r.external_id, name: r.name }));
  }

  @Query(() => [Tag], { description: "The connector's Gorgias tags, by name.", complexity: directoryListComplexity })
  async tags(@CurrentUser() user: AuthUser, @Args('connectorId', { type: () => ID }) connectorId: string): Promise<Tag[]> {
    return (await this.service.tags(user, connectorId)).map((r) => ({ externalId: r.external_id, name: r.name }));
  }
}
