import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { GraphqlContext } from '../../auth/graphql-context';
import { decodeCursor, encodeCursor, isCursorInstant } from '../../common/pagination/cursor';
import { isUuid } from '../../common/uuid';
import { checkPageSize } from '../../common/pagination/page-size';
import { toConnection } from '../../common/pagination/paginated';
import { Connector } from '../../connectors/api/models/connector.models';
import { SyncRunRow } from '../repositories/sync-run.row';
import { SyncTriggerService } from '../scheduling/sync-trigger.service';
import { SyncLogEntryConnection, SyncRunConnection } from './dto/sync-connections';
import { SyncLogsArgs, SyncProgressArgs, SyncRunsArgs, TriggerSyncArgs } from './dto/sync-args';
import { SyncProgress, SyncRun } from './models/sync.models';
import { SyncQueriesService } from './sync-queries.service';

@Resolver(() => SyncRun)
export class SyncResolver {
  constructor(
    private readonly triggers: SyncTriggerService,
    private readonly sync: SyncQueriesService,
  ) {}

  @Mutation(() => SyncRun, { description: '"Sync now". A second trigger while a run is queued or running returns that run.' })
  triggerSync(@CurrentUser() user: AuthUser, @Args() args: TriggerSyncArgs) {
    return this.triggers.trigger(user, args.connectorId, args.mode);
  }

  @Query(() => SyncRunConnection, { description: 'Runs of a connector, newest first.' })
  async syncRuns(@CurrentUser() user: AuthUser, @Args() args: SyncRunsArgs) {
    const first = checkPageSize(args.first, 20);
    const after = decodeCursor(args.after, ['createdAt', 'id']);
    // Decodable but not ours (a date PostgreSQL cannot read, an id that is no UUID): the same answer as garbage.
    if (after && (!isCursorInstant(after.createdAt) || !isUuid(after.id))) decodeCursor('invalid', ['id']);
    const { rows, totalCount } = await this.sync.listRuns(user, args.connectorId, first, after, args.includeQuiet ?? true);
    return toConnection(rows, first, totalCount, (r) => encodeCursor({ createdAt: new Date(r.createdAt).toISOString(), id: r.id }));
  }

  @Query(() => SyncLogEntryConnection, { description: 'The sync log of a connector, newest first.' })
  async syncLogs(@CurrentUser() user: AuthUser, @Args() args: SyncLogsArgs) {
    const first = checkPageSize(args.first, 20);
    const after = decodeCursor(args.after, ['id']);
    if (after && !/^\d+$/.test(after.id)) decodeCursor('invalid', ['id']);
    const { rows, totalCount } = await this.sync.listLogs(
      user,
      args.connectorId,
      { runId: args.runId, level: args.level },
      first,
      after?.id,
    );
    return toConnection(rows, first, totalCount, (r: { id: string }) => encodeCursor({ id: r.id }));
  }

  @Subscription(() => SyncProgress, {
    description: "Progress of the connector's runs, at least every second while one runs, from whichever instance runs it.",
    // Events cross instances as JSON (LISTEN/NOTIFY): `at` arrives as a string.
    resolve: (event: SyncProgress) => ({ ...event, at: new Date(event.at) }),
  })
  syncProgress(@CurrentUser() user: AuthUser, @Args() args: SyncProgressArgs) {
    return this.sync.progress(user, args.connectorId);
  }
}

/** Connector.latestRun, batched per request. */
@Resolver(() => Connector)
export class ConnectorLatestRunResolver {
  constructor(private readonly sync: SyncQueriesService) {}

  @ResolveField(() => SyncRun, { nullable: true })
  latestRun(@Parent() connector: Connector, @Context() ctx: GraphqlContext) {
    let loader = ctx.loaders.get('latestRun') as DataLoader<string, SyncRunRow | null> | undefined;
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const runs = await this.sync.latestRuns(ids);
        return ids.map((id) => runs.get(id) ?? null);
      });
      ctx.loaders.set('latestRun', loader);
    }
    return loader.load(connector.id);
  }
}
