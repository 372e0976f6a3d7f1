import { Context, Float, GraphQLISODateTime, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { GraphqlContext } from '../../auth/graphql-context';
import { Connector } from '../../connectors/api/models/connector.models';
import { FreshnessRepository } from '../repositories/freshness.repository';

const FRESH_AS_OF = `Every change Gorgias made before this instant is in our database. It is the start of the last sync run
(INCREMENTAL or FULL) that succeeded: such a run reads every list newest first down to where the previous one started
(with a 5-minute overlap for late writes) plus the deletion and trash events, so nothing changed earlier can be missing.
Webhook refreshes make announced changes visible within seconds but do not move it, since a delivery Gorgias never
made would go unnoticed until the next such run. Null until the initial sync succeeds.`;

/** Connector.dataFreshAsOf and freshnessLagSeconds, batched per request. */
@Resolver(() => Connector)
export class ConnectorFreshnessResolver {
  constructor(private readonly freshness: FreshnessRepository) {}

  @ResolveField(() => GraphQLISODateTime, { nullable: true, description: FRESH_AS_OF.replace(/\n/g, ' ') })
  dataFreshAsOf(@Parent() connector: Connector, @Context() ctx: GraphqlContext, @CurrentUser() user: AuthUser): Promise<Date | null> {
    let loader = ctx.loaders.get('dataFreshAsOf') as DataLoader<string, Date | null> | undefined;
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const starts = await this.freshness.lastCompleteWalkStarts(user.tenantId, ids);
        return ids.map((id) => starts.get(id) ?? null);
      });
      ctx.loaders.set('dataFreshAsOf', loader);
    }
    return loader.load(connector.id);
  }

  @ResolveField(() => Float, {
    nullable: true,
    description:
      'Seconds from dataFreshAsOf to now: how old a change can at most be and still be missing here. Null until the initial sync succeeds.',
  })
  async freshnessLagSeconds(
    @Parent() connector: Connector,
    @Context() ctx: GraphqlContext,
    @CurrentUser() user: AuthUser,
  ): Promise<number | null> {
    const asOf = await this.dataFreshAsOf(connector, ctx, user);
    return asOf ? Math.max(0, (Date.now() - new Date(asOf).getTime()) / 1000) : null;
  }
}
