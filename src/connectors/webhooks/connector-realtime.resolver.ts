import { Args, Context, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { GraphqlContext } from '../../auth/graphql-context';
import { Connector } from '../api/models/connector.models';
import { ConnectorRealtime } from './connector-realtime.model';
import { ConnectorRealtimeService } from './connector-realtime.service';
import { WebhookSecretResetService } from './webhook-secret-reset.service';

/** Connector.realtime (batched per request) and the webhook secret for a manual setup. */
@Resolver(() => Connector)
export class ConnectorRealtimeResolver {
  constructor(
    private readonly service: ConnectorRealtimeService,
    private readonly secrets: WebhookSecretResetService,
  ) {}

  @ResolveField(() => ConnectorRealtime, { description: 'How changes in Gorgias reach this connector: webhooks or polling.' })
  realtime(@Parent() connector: Connector, @Context() ctx: GraphqlContext, @CurrentUser() user: AuthUser) {
    let loader = ctx.loaders.get('realtime') as DataLoader<Connector, ConnectorRealtime, string> | undefined;
    if (!loader) {
      loader = new DataLoader((connectors: readonly Connector[]) => this.service.forConnectors(user.tenantId, connectors), {
        cacheKeyFn: (c) => c.id,
      });
      ctx.loaders.set('realtime', loader);
    }
    return loader.load(connector);
  }

  @Mutation(() => String, {
    description:
      'Makes a new webhook secret for the connector and returns it this once (it is stored encrypted and never shown again), ' +
      'for the Authorization header of a webhook added by hand (see realtime.manualSetup). The previous secret stops working; ' +
      'a webhook we registered ourselves is registered again with the new one.',
  })
  rotateWebhookSecret(@CurrentUser() user: AuthUser, @Args('connectorId', { type: () => ID }) connectorId: string) {
    return this.secrets.rotateSecret(user, connectorId);
  }
}
