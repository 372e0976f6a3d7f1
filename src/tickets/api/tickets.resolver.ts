import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { GraphqlContext } from '../../auth/graphql-context';
import { decodeCursor, encodeCursor } from '../../common/pagination/cursor';
import { checkPageSize } from '../../common/pagination/page-size';
import { Connection, toBackwardConnection, toConnection } from '../../common/pagination/paginated';
import { badUserInput } from '../../common/graphql-errors';
import { MessageConnection, TicketConnection } from './dto/ticket-connections';
import { listComplexity, ticketsComplexity } from './dto/tickets-cost';
import { DEFAULT_MESSAGES_PAGE, DEFAULT_TICKETS_PAGE, TicketArgs, TicketByExternalIdArgs, TicketsArgs } from './dto/tickets-args';
import { isValidKey } from '../queries/ticket-input';
import { MessageKey, TicketKey, TicketsService } from '../queries/tickets.service';
import { Customer, Message, Ticket } from './models/ticket.models';
import { customerLoader, messagesLoader } from './tickets.loaders';

function decodeKey<K extends 'updatedAt' | 'createdAt'>(after: string | null | undefined, timeField: K) {
  if (after && after.length > 1000) decodeCursor('invalid', ['id']); // no cursor of ours is that long
  const key = decodeCursor(after, [timeField, 'id'] as const);
  if (key && !isValidKey(key as never, timeField)) decodeCursor('invalid', ['id']);
  return key as (Record<K, string> & { id: string }) | undefined;
}

@Resolver(() => Ticket)
export class TicketsResolver {
  constructor(private readonly service: TicketsService) {}

  @Query(() => TicketConnection, {
    description: 'Synced tickets, most recently updated first. Deleted and trashed tickets only with filter.includeDeleted.',
    complexity: ticketsComplexity(DEFAULT_TICKETS_PAGE),
  })
  async tickets(@CurrentUser() user: AuthUser, @Args() args: TicketsArgs): Promise<Connection<Ticket>> {
    const first = checkPageSize(args.first, DEFAULT_TICKETS_PAGE);
    const after: TicketKey | undefined = decodeKey(args.after, 'updatedAt');
    const rows = await this.service.list(user, args.filter, first, after);
    const conn = toConnection(rows, first, 0, (t) => encodeCursor({ updatedAt: t.updatedAtKey, id: t.id }));
    // Counted only when asked for: the field reads this getter, which starts the count once.
    let counted: Promise<number> | undefined;
    Object.defineProperty(conn, 'totalCount', {
      enumerable: true,
      get: () => (counted ??= this.service.count(user, args.filter)),
    });
    return conn;
  }

  @Query(() => Ticket, { nullable: true, description: 'A ticket by id, deleted or not (deletedAt says). Null when not found.' })
  ticket(@CurrentUser() user: AuthUser, @Args() args: TicketArgs) {
    return this.service.findById(user, args.id);
  }

  @Query(() => Ticket, { nullable: true, description: 'A ticket by its Gorgias id within a connector, deleted or not. Null when not found.' })
  ticketByExternalId(@CurrentUser() user: AuthUser, @Args() args: TicketByExternalIdArgs) {
    return this.service.findByExternalId(user, args.connectorId, args.externalId);
  }

  @ResolveField(() => Customer, { nullable: true })
  async customer(@Parent() ticket: Ticket, @Context() ctx: GraphqlContext): Promise<Customer | null> {
    const fallback: Customer | null =
      ticket.customerExternalId == null && ticket.customerEmail == null && ticket.customerName == null
        ? null
        : { externalId: ticket.customerExternalId, email: ticket.customerEmail, name: ticket.customerName };
    if (ticket.customerExternalId == null) return fallback;
    const stored = await customerLoader(ctx, this.service).load({ connectorId: ticket.connectorId, externalId: ticket.customerExternalId });
    if (!stored) return fallback;
    return { externalId: stored.externalId, email: stored.email ?? ticket.customerEmail, name: stored.name ?? ticket.customerName };
  }

  @ResolveField(() => MessageConnection, {
    description: 'The conversation, oldest message first.',
    complexity: listComplexity(DEFAULT_MESSAGES_PAGE),
  })
  async messages(
    @Parent() ticket: Ticket,
    // Scalar arguments (not an ArgsType class): this runs once per ticket of a page, and scalars
    // skip the class-transformer/class-validator round trip; both are checked right here.
    @Args('first', { type: () => Int, nullable: true, defaultValue: DEFAULT_MESSAGES_PAGE, description: 'Page size, 1 to 100.' }) firstArg: number | null,
    @Args('after', { type: () => String, nullable: true, description: 'The endCursor of the previous page.' }) afterArg: string | null,
    @Args('last', { type: () => Int, nullable: true, description: 'The newest N messages (in conversation order), 1 to 100; takes the place of first.' })
    lastArg: number | null,
    @Args('before', { type: () => String, nullable: true, description: 'With last: the startCursor of the page after.' }) beforeArg: string | null,
    @Context() ctx: GraphqlContext,
  ): Promise<Connection<Message>> {
    const cursorOf = (m: Message) => encodeCursor({ createdAt: m.createdAtKey, id: m.id });
    if (lastArg != null || beforeArg != null) {
      if (afterArg != null) throw badUserInput('messages: use first/after or last/before, not both.', 'after');
      const last = checkPageSize(lastArg, DEFAULT_MESSAGES_PAGE, 'last');
      const before: MessageKey | undefined = decodeKey(beforeArg, 'createdAt');
      const page = await messagesLoader(ctx, this.service, last, before, beforeArg ?? '', 'backward').load(ticket);
      return toBackwardConnection(page.rows, last, page.totalCount, cursorOf, !!before);
    }
    const first = checkPageSize(firstArg, DEFAULT_MESSAGES_PAGE);
    const after: MessageKey | undefined = decodeKey(afterArg, 'createdAt');
    const page = await messagesLoader(ctx, this.service, first, after, afterArg ?? '').load(ticket);
    return toConnection(page.rows, first, page.totalCount, cursorOf);
  }
}
