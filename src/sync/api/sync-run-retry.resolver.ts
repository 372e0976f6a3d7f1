import { Context, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import DataLoader from 'dataloader';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { GraphqlContext } from '../../auth/graphql-context';
import { SyncRunControlRepository } from '../repositories/sync-run-control.repository';
import { SyncRunRetry } from './models/sync-run-retry.model';
import { SyncRun } from './models/sync.models';

type RetryLoader = DataLoader<string, SyncRunRetry | null>;

/** SyncRun.retry, batched per request: "retrying (attempt 2, next try in 60 s)". */
@Resolver(() => SyncRun)
export class SyncRunRetryResolver {
  constructor(private readonly control: SyncRunControlRepository) {}

  @ResolveField(() => SyncRunRetry, { nullable: true, description: 'Set while the run waits to retry after a failure; null otherwise.' })
  retry(@Parent() run: SyncRun, @Context() ctx: GraphqlContext, @CurrentUser() user: AuthUser): Promise<SyncRunRetry | null> | null {
    if (run.status !== 'QUEUED' || !run.error) return null;
    let loader = ctx.loaders.get('syncRunRetry') as RetryLoader | undefined;
    if (!loader) {
      loader = new DataLoader(async (ids: readonly string[]) => {
        const states = await this.control.retryStates(user.tenantId, ids);
        return ids.map((id) => states.get(id) ?? null);
      });
      ctx.loaders.set('syncRunRetry', loader);
    }
    return loader.load(run.id);
  }
}
