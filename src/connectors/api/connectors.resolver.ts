import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { ConnectorsService } from '../connectors.service';
import { ConnectionCheck, Connector } from './models/connector.models';
import { CreateGorgiasConnectorInput, GorgiasCredentialsInput, UpdateGorgiasConnectorInput } from './dto/gorgias-credentials.input';

/** The setup flow of the connector guide. Mutations need an admin token (AuthGuard). */
@Resolver(() => Connector)
export class ConnectorsResolver {
  constructor(private readonly service: ConnectorsService) {}

  @Query(() => [Connector], { description: "The tenant's connectors, oldest first." })
  connectors(@CurrentUser() user: AuthUser) {
    return this.service.list(user);
  }

  @Query(() => Connector, { nullable: true })
  connector(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string) {
    return this.service.find(user, id);
  }

  @Mutation(() => ConnectionCheck, { description: 'Test credentials before saving them. Nothing is stored.' })
  checkGorgiasCredentials(@CurrentUser() user: AuthUser, @Args('input') input: GorgiasCredentialsInput) {
    return this.service.checkCredentials(user, input);
  }

  @Mutation(() => Connector, { description: 'Saves a connector in DRAFT; nothing syncs until it is activated.' })
  createGorgiasConnector(@CurrentUser() user: AuthUser, @Args('input') input: CreateGorgiasConnectorInput) {
    return this.service.create(user, input);
  }

  @Mutation(() => Connector)
  updateGorgiasConnector(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateGorgiasConnectorInput,
  ) {
    return this.service.update(user, id, input);
  }

  @Mutation(() => ConnectionCheck, { description: '"Test Connection" for a saved connector.' })
  testConnectorConnection(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string) {
    return this.service.testConnection(user, id);
  }

  @Mutation(() => Connector, { description: '"Save & Activate": checks the connection, then ACTIVE and the initial sync starts at once.' })
  activateConnector(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string) {
    return this.service.activate(user, id);
  }

  @Mutation(() => Connector)
  pauseConnector(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string) {
    return this.service.pause(user, id);
  }

  @Mutation(() => Boolean, { description: 'Removes the connector and all its synced data.' })
  deleteConnector(@CurrentUser() user: AuthUser, @Args('id', { type: () => ID }) id: string) {
    return this.service.delete(user, id);
  }
}
