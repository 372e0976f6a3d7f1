import DataLoader from 'dataloader';
import type { AuthUser } from '../../auth/auth-user';
import { GraphqlContext } from '../../auth/graphql-context';
import { unauthenticated } from '../../common/graphql-errors';
import type { MessageKey, TicketRef } from '../model/ticket-read.types';
import { TicketsService } from '../queries/tickets.service';
import { Customer, Message } from './models/ticket.models';
import { toCustomer, toMessage } from './ticket-row.mapper';

/** One ticket's page of messages, as `Ticket.messages` answers it. */
export interface MessagePage {
  rows: Message[];
  totalCount: number;
}

/**
 * Per-request DataLoaders of the tickets module, kept in `ctx.loaders` under these names: one SQL
 * query per field per page of parents, whatever the page size.
 */
export function loader<K, V, C = K>(ctx: GraphqlContext, name: string, make: () => DataLoader<K, V, C>): DataLoader<K, V, C> {
  let l = ctx.loaders.get(name) as DataLoader<K, V, C> | undefined;
  if (!l) {
    l = make();
    ctx.loaders.set(name, l);
  }
  return l;
}

export function requestUser(ctx: GraphqlContext): AuthUser {
  if (!ctx.user) throw unauthenticated();
  return ctx.user;
}

export interface CustomerKey {
  connectorId: string;
  externalId: string;
}

/** Customers from the customers table by (connector, Gorgias customer id). */
export function customerLoader(ctx: GraphqlContext, service: TicketsService) {
  const user = requestUser(ctx);
  return loader<CustomerKey, Customer | null, string>(
    ctx,
    'tickets.customer',
    () =>
      new DataLoader(
        async (keys) => {
          const found = await service.customers(user, keys);
          return keys.map((k) => {
            const row = found.get(`${k.connectorId}:${k.externalId}`);
            return row ? toCustomer(row) : null;
          });
        },
        { cacheKeyFn: (k) => `${k.connectorId}:${k.externalId}` },
      ),
  );
}

/** A page of messages per ticket; one loader (so one query) per distinct (first, after). */
export function messagesLoader(
  ctx: GraphqlContext,
  service: TicketsService,
  size: number,
  at: MessageKey | undefined,
  atRaw: string,
  direction: 'forward' | 'backward' = 'forward',
) {
  const user = requestUser(ctx);
  return loader<TicketRef, MessagePage, string>(
    ctx,
    `tickets.messages:${direction}:${size}:${atRaw}`,
    () =>
      new DataLoader(
        async (tickets) =>
          (await service.messagePages(user, tickets, size, at, direction)).map((page): MessagePage => ({
            rows: page.rows.map((r) => toMessage(r, r.ticket_id)),
            totalCount: page.totalCount,
          })),
        { cacheKeyFn: (t) => t.id },
      ),
  );
}

/** Live tickets per connector. */
export function ticketCountLoader(ctx: GraphqlContext, service: TicketsService) {
  const user = requestUser(ctx);
  return loader<string, number>(
    ctx,
    'tickets.ticketCount',
    () =>
      new DataLoader(async (ids) => {
        const counts = await service.ticketCounts(user, ids);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
  );
}

/** Messages of live tickets per connector. */
export function messageCountLoader(ctx: GraphqlContext, service: TicketsService) {
  const user = requestUser(ctx);
  return loader<string, number>(
    ctx,
    'tickets.messageCount',
    () =>
      new DataLoader(async (ids) => {
        const counts = await service.messageCounts(user, ids);
        return ids.map((id) => counts.get(id) ?? 0);
      }),
  );
}
