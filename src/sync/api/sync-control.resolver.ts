import { Args, ArgsType, Field, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { checkPageSize } from '../../common/pagination/page-size';
import { SyncProgressArgs } from './dto/sync-args';
import { QuarantinedRecord } from './models/quarantined-record.model';
import { SyncRun } from './models/sync.models';
import { SyncControlService } from './sync-control.service';

@ArgsType()
class SyncQuarantineArgs extends SyncProgressArgs {
  @Field(() => Int, { nullable: true, defaultValue: 50, description: 'How many, newest first (1 to 100).' }) first?: number;
}

/** Cancel, retry now, and the records a sync refused. Mutations need an admin token (AuthGuard). */
@Resolver(() => SyncRun)
export class SyncControlResolver {
  constructor(private readonly control: SyncControlService) {}

  @Mutation(() => SyncRun, {
    nullable: true,
    description:
      '"Cancel sync": the queued or running run ends CANCELLED (a running one stops at its next page; what it stored is kept). The connector stays ACTIVE and is next due after its interval. Null when no run was queued or running.',
  })
  cancelSync(@CurrentUser() user: AuthUser, @Args() args: SyncProgressArgs) {
    return this.control.cancel(user, args.connectorId);
  }

  @Mutation(() => SyncRun, {
    nullable: true,
    description: '"Retry now": a run waiting to retry after a failure (QUEUED) starts at once. Null when no run is queued.',
  })
  retrySyncNow(@CurrentUser() user: AuthUser, @Args() args: SyncProgressArgs) {
    return this.control.retryNow(user, args.connectorId);
  }

  @Query(() => [QuarantinedRecord], {
    description: 'Records of the connector a sync could not store (the sync went on without them), most recently refused first.',
  })
  syncQuarantine(@CurrentUser() user: AuthUser, @Args() args: SyncQuarantineArgs) {
    return this.control.quarantined(user, args.connectorId, checkPageSize(args.first, 50));
  }
}
