import { Args, Query, Resolver, Subscription } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { GraphqlContext } from '../../auth/graphql-context';
import { checkPageSize } from '../../common/pagination/page-size';
import { Connection, toConnection } from '../../common/pagination/paginated';
import { listComplexity } from '../api/dto/tickets-cost';
import { FEED_TOTAL_COUNT_COST, TicketChange, TicketChangeConnection } from './ticket-change.model';
import { DEFAULT_CHANGES_PAGE, TicketChangesArgs, TicketChangesCursorArgs, TicketChangesSubscriptionArgs } from './ticket-changes.args';
import { TicketChangesService } from './ticket-changes.service';

@Resolver(() => TicketChange)
export class TicketChangesResolver {
  constructor(private readonly changes: TicketChangesService) {}

  @Query(() => TicketChangeConnection, {
    description:
      'Tickets in the order their changes became visible, each once, at the position of its latest change, with its current state. ' +
      'Read from the beginning it is a full snapshot; continue with `after` = the last cursor read to get every later change exactly once.',
    complexity: listComplexity(DEFAULT_CHANGES_PAGE, FEED_TOTAL_COUNT_COST),
  })
  async ticketChanges(@CurrentUser() user: AuthUser, @Args() args: TicketChangesArgs): Promise<Connection<TicketChange>> {
    const first = checkPageSize(args.first, DEFAULT_CHANGES_PAGE);
    const rows = await this.changes.page(user, args.connectorId, args.after, first);
    const conn = toConnection(rows, first, 0, (c) => c.cursor);
    // Counted only when asked for (how many tickets a read from `after` returns, this page included).
    let counted: Promise<number> | undefined;
    Object.defineProperty(conn, 'totalCount', {
      enumerable: true,
      get: () => (counted ??= this.changes.count(user, args.connectorId, args.after)),
    });
    return conn;
  }

  @Query(() => String, {
    description: 'A cursor for "from now on": pass it as `after` to receive only changes made visible after this call.',
  })
  ticketChangesCursor(@CurrentUser() user: AuthUser, @Args() args: TicketChangesCursorArgs): Promise<string> {
    return this.changes.cursorNow(user, args.connectorId);
  }

  @Subscription(() => TicketChange, {
    name: 'ticketChanges',
    description:
      'Every change after `after` (from the beginning when omitted), then live, in feed order. ' +
      'Reconnect with the cursor of the last change processed: nothing is missed and nothing repeated.',
    // One subscription lives for many events: per-request DataLoader caches must not serve an
    // earlier event's customers or messages to a later one.
    resolve: (change: TicketChange, _args: unknown, ctx: GraphqlContext) => {
      ctx.loaders.clear();
      return change;
    },
  })
  ticketChangesSubscription(@CurrentUser() user: AuthUser, @Args() args: TicketChangesSubscriptionArgs) {
    return this.changes.stream(user, args.connectorId, args.after);
  }
}
