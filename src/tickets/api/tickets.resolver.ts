import { Args, Context, Info, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { AuthUser } from '../../auth/auth-user';
import { CurrentUser } from '../../auth/current-user.decorator';
import { GraphqlContext } from '../../auth/graphql-context';
import { encodeCursor } from '../../common/pagination/cursor';
import { checkPageSize } from '../../common/pagination/page-size';
import { Connection, toConnection } from '../../common/pagination/paginated';
import { MessageConnection, TicketConnection } from './dto/ticket-connections';
import { listComplexity, ticketsComplexity } from './dto/tickets-cost';
import { DEFAULT_MESSAGES_PAGE, DEFAULT_TICKETS_PAGE, TicketArgs, TicketByExternalIdArgs, TicketsArgs } from './dto/tickets-args';
import type { TicketKey } from '../model/ticket-read.types';
import { TicketsService } from '../queries/tickets.service';
import { Customer, Message, Ticket } from './models/ticket.models';
import { decodeKey, messagePageArgs } from './message-page.args';
import { attachIncludes, customerOf, messageConnection } from './ticket-includes.preload';
import { ticketIncludes } from './ticket-includes.selection';
import { toTicket } from './ticket-row.mapper';
import { customerLoader, messagesLoader } from './tickets.loaders';

@Resolver(() => Ticket)
export class TicketsResolver {
  constructor(private readonly service: TicketsService) {}

  @Query(() => TicketConnection, {
    description: 'Synced tickets, most recently updated first. Deleted and trashed tickets only with filter.includeDeleted.',
    complexity: ticketsComplexity(DEFAULT_TICKETS_PAGE),
  })
  async tickets(@CurrentUser() user: AuthUser, @Args() args: TicketsArgs, @Info() info: GraphQLResolveInfo): Promise<Connection<Ticket>> {
    const first = checkPageSize(args.first, DEFAULT_TICKETS_PAGE);
    const after: TicketKey | undefined = decodeKey(args.after, 'updatedAt');
    // The customer and message pages asked come in the page's own statement (preloaded, see ticketIncludes).
    const includes = ticketIncludes(info);
    const rows = (await this.service.list(user, args.filter, first, after, includes)).map((r) => attachIncludes(toTicket(r), r, includes));
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
  async ticket(@CurrentUser() user: AuthUser, @Args() args: TicketArgs): Promise<Ticket | null> {
    const row = await this.service.findById(user, args.id);
    return row ? toTicket(row) : null;
  }

  @Query(() => Ticket, {
    nullable: true,
    description: 'A ticket by its Gorgias id within a connector, deleted or not. Null when not found.',
  })
  async ticketByExternalId(@CurrentUser() user: AuthUser, @Args() args: TicketByExternalIdArgs): Promise<Ticket | null> {
    const row = await this.service.findByExternalId(user, args.connectorId, args.externalId);
    return row ? toTicket(row) : null;
  }

  /** Answered from the page's statement under `tickets`; this resolver serves single tickets (and anything not preloaded). */
  @ResolveField(() => Customer, { nullable: true })
  async customer(@Parent() ticket: Ticket, @Context() ctx: GraphqlContext): Promise<Customer | null> {
    if (ticket.customerExternalId == null) return customerOf(ticket, null);
    const stored = await customerLoader(ctx, this.service).load({ connectorId: ticket.connectorId, externalId: ticket.customerExternalId });
    return customerOf(ticket, stored);
  }

  @ResolveField(() => MessageConnection, {
    description: 'The conversation, oldest message first.',
    complexity: listComplexity(DEFAULT_MESSAGES_PAGE),
  })
  async messages(
    @Parent() ticket: Ticket,
    // Scalar arguments (not an ArgsType class): this runs once per ticket of a page, and scalars
    // skip the class-transformer/class-validator round trip; both are checked right here.
    @Args('first', { type: () => Int, nullable: true, defaultValue: DEFAULT_MESSAGES_PAGE, description: 'Page size, 1 to 100.' })
    firstArg: number | null,
    @Args('after', { type: () => String, nullable: true, description: 'The endCursor of the previous page.' }) afterArg: string | null,
    @Args('last', {
      type: () => Int,
      nullable: true,
      description: 'The newest N messages (in conversation order), 1 to 100; takes the place of first.',
    })
    lastArg: number | null,
    @Args('before', { type: () => String, nullable: true, description: 'With last: the startCursor of the page after.' })
    beforeArg: string | null,
    @Context() ctx: GraphqlContext,
  ): Promise<Connection<Message>> {
    const page = messagePageArgs({ first: firstArg, after: afterArg, last: lastArg, before: beforeArg });
    const found = await messagesLoader(ctx, this.service, page.size, page.at, page.atRaw, page.backward ? 'backward' : 'forward').load(
      ticket,
    );
    return messageConnection(found.rows, page, found.totalCount);
  }
}
