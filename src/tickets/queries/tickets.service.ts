import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { assertUuid } from '../../common/uuid';
import { sqlLimit } from '../../database/sql-literal';
import { MessageKey, NO_INCLUDES, TicketIncludes, TicketKey, TicketListFilter, TicketRef } from '../model/ticket-read.types';
import type { CustomerRow } from '../model/customer.table';
import type { MessageRow } from '../model/message.table';
import type { TicketRow } from '../model/ticket.table';
import { CustomerRepository } from '../repositories/customer.repository';
import { MessageRepository } from '../repositories/message.repository';
import { ticketIncludesSql } from '../repositories/ticket-includes.repository';
import { TicketRepository } from '../repositories/ticket.repository';
import { buildTicketWhere, searchQuery } from '../repositories/ticket-where';
import { assertExternalId } from './ticket-input';
import { searchTickets } from './ticket-search';

/** One ticket's page of messages: the rows (with the id of their ticket) and the conversation's total. */
export interface MessagePageRows {
  rows: (MessageRow & { ticket_id: string })[];
  totalCount: number;
}

/**
 * Read side of the synced data. Every query is parameterised and scoped by the caller's tenant;
 * lists are keyset-paginated on indexed sort keys.
 */
@Injectable()
export class TicketsService {
  constructor(
    private readonly tickets: TicketRepository,
    private readonly messages: MessageRepository,
    private readonly customerRows: CustomerRepository,
  ) {}

  /**
   * One page of the ticket list, newest update first; `first + 1` rows say whether there is more.
   * Each row also holds what `includes` asked (see ticketIncludesSql).
   */
  async list(
    user: AuthUser,
    filter: TicketListFilter | null | undefined,
    first: number,
    after?: TicketKey,
    includes: TicketIncludes = NO_INCLUDES,
  ): Promise<TicketRow[]> {
    const w = buildTicketWhere(user.tenantId, filter, after);
    const q = searchQuery(w, filter);
    const limit = sqlLimit(first + 1);
    // What the fields under the page ask of each ticket comes in the page's own statement.
    const withIncludes = ticketIncludesSql((v) => w.param(v), includes);
    return q ? searchTickets(this.tickets, w, q, limit, first, withIncludes) : this.tickets.list(w, limit, withIncludes);
  }

  /** How many tickets match `filter` (whatever the page). */
  count(user: AuthUser, filter: TicketListFilter | null | undefined): Promise<number> {
    const w = buildTicketWhere(user.tenantId, filter);
    return this.tickets.count(w, searchQuery(w, filter));
  }

  /** A ticket by id, deleted or not; another tenant's ticket is simply not found. */
  findById(user: AuthUser, id: string): Promise<TicketRow | null> {
    assertUuid(id, 'id');
    return this.tickets.findById(user.tenantId, id);
  }

  /** A ticket by its Gorgias id within a connector, deleted or not. */
  findByExternalId(user: AuthUser, connectorId: string, externalId: string): Promise<TicketRow | null> {
    assertUuid(connectorId, 'connectorId');
    assertExternalId(externalId, 'externalId');
    return this.tickets.findByExternalId(user.tenantId, connectorId, externalId);
  }

  /**
   * A page of each ticket's conversation, in one query. Forward (`first`/`after`): oldest first.
   * Backward (`last`/`before`): the rows come newest first (the resolver puts them back in order).
   */
  async messagePages(
    user: AuthUser,
    tickets: readonly TicketRef[],
    size: number,
    at?: MessageKey,
    direction: 'forward' | 'backward' = 'forward',
  ): Promise<MessagePageRows[]> {
    if (!tickets.length) return [];
    const rows = await this.messages.pages(user.tenantId, tickets, size, at, direction === 'backward');
    const pages: MessagePageRows[] = tickets.map(() => ({ rows: [], totalCount: 0 }));
    for (const r of rows) {
      const page = pages[Number(r.ord) - 1];
      page.totalCount = r.total;
      if (r.id) page.rows.push(r);
    }
    return pages;
  }

  /** Customers by (connector, Gorgias customer id), in one query; keys are `connectorId:externalId`. */
  async customers(user: AuthUser, keys: readonly { connectorId: string; externalId: string }[]): Promise<Map<string, CustomerRow>> {
    const found = new Map<string, CustomerRow>();
    if (!keys.length) return found;
    for (const r of await this.customerRows.findByKeys(user.tenantId, keys)) found.set(`${r.connector_id}:${r.external_id}`, r);
    return found;
  }

  /** Live (not deleted) tickets per connector, in one query. */
  ticketCounts(user: AuthUser, connectorIds: readonly string[]): Promise<Map<string, number>> {
    return this.tickets.countsByConnector(user.tenantId, connectorIds);
  }

  /** Messages of live tickets per connector, in one query. */
  messageCounts(user: AuthUser, connectorIds: readonly string[]): Promise<Map<string, number>> {
    return this.messages.countsByConnector(user.tenantId, connectorIds);
  }
}
