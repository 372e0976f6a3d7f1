import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { GraphqlContext } from '../../auth/graphql-context';
import { Connector } from '../../connectors/api/models/connector.models';
import { ConnectorHealthValue } from './connector-health';
import { ConnectorHealthService } from './connector-health.service';
import { ConnectorHealth } from './connector-health.types';

/** Connector.health: one query for a whole list of connectors. */
@Resolver(() => Connector)
export class ConnectorHealthResolver {
  constructor(private readonly service: ConnectorHealthService) {}

  @ResolveField(() => ConnectorHealth, { description: 'HEALTHY, DEGRADED or FAILING, with the reason, from the sync history.' })
  health(@Parent() connector: Connector, @Context() ctx: GraphqlContext): Promise<ConnectorHealthValue> {
    return this.service.loader(ctx).load(connector.id);
  }
}
