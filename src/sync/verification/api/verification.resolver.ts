import { Args, Mutation, Query, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../../auth/auth-user';
import { CurrentUser } from '../../../auth/current-user.decorator';
import { decodeCursor, encodeCursor, isCursorInstant } from '../../../common/pagination/cursor';
import { checkPageSize } from '../../../common/pagination/page-size';
import { toConnection } from '../../../common/pagination/paginated';
import { isUuid } from '../../../common/uuid';
import { Ticket } from '../../../tickets/api/models/ticket.models';
import { toTicket } from '../../../tickets/api/ticket-row.mapper';
import { VerificationRow } from '../verification.types';
import {
  ConnectorVerificationArgs,
  ResyncTicketArgs,
  SyncVerificationArgs,
  SyncVerificationsArgs,
  VerifyConnectorArgs,
} from './verification.args';
import { SyncVerificationConnection, SyncVerificationModel } from './verification.models';
import { VerificationService } from './verification.service';

/** The report as the API shows it: the row's counts, and its kept lists as fields. */
function toModel(row: VerificationRow): SyncVerificationModel {
  const { report, ...rest } = row;
  return { ...rest, differences: report?.differences ?? [], quarantinedRecords: report?.quarantined ?? [] };
}

/** Verified completeness and targeted repair. Mutations need an admin token (AuthGuard); reads any role of the tenant. */
@Resolver(() => SyncVerificationModel)
export class VerificationResolver {
  constructor(private readonly service: VerificationService) {}

  @Mutation(() => SyncVerificationModel, {
    description:
      "Compares the tickets and messages Gorgias created in [from, to] (all when omitted) with ours and, with repair, writes what differs through the sync's write path. One at a time per connector: while one is queued or running, that one is returned.",
  })
  async verifyConnector(@CurrentUser() user: AuthUser, @Args() args: VerifyConnectorArgs) {
    return toModel(await this.service.verify(user, args.connectorId, args));
  }

  @Mutation(() => SyncVerificationModel, {
    nullable: true,
    description:
      'Cancels the queued or running verification (a running one stops after its current page; repairs made are kept). Null when none.',
  })
  async cancelSyncVerification(@CurrentUser() user: AuthUser, @Args() args: ConnectorVerificationArgs) {
    const row = await this.service.cancel(user, args.connectorId);
    return row ? toModel(row) : null;
  }

  @Mutation(() => Ticket, {
    nullable: true,
    description:
      'Re-reads one ticket with its messages from Gorgias now and stores it; null when Gorgias has no such ticket (it is then marked deleted here).',
  })
  async resyncTicket(@CurrentUser() user: AuthUser, @Args() args: ResyncTicketArgs) {
    const row = await this.service.resyncTicket(user, args.connectorId, args.externalId);
    return row ? toTicket(row) : null;
  }

  @Query(() => SyncVerificationModel, { nullable: true, description: 'A verification of one of your connectors; null when not found.' })
  async syncVerification(@CurrentUser() user: AuthUser, @Args() args: SyncVerificationArgs) {
    const row = await this.service.find(user, args.id);
    return row ? toModel(row) : null;
  }

  @Query(() => SyncVerificationConnection, { description: 'Verifications of a connector, newest first.' })
  async syncVerifications(@CurrentUser() user: AuthUser, @Args() args: SyncVerificationsArgs) {
    const first = checkPageSize(args.first, 20);
    const after = decodeCursor(args.after, ['createdAt', 'id']);
    if (after && (!isCursorInstant(after.createdAt) || !isUuid(after.id))) decodeCursor('invalid', ['id']);
    const { rows, totalCount } = await this.service.list(user, args.connectorId, first, after);
    return toConnection(rows.map(toModel), first, totalCount, (r) =>
      encodeCursor({ createdAt: new Date(r.createdAt).toISOString(), id: r.id }),
    );
  }
}
