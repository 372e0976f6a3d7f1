import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { assertUuid } from '../../common/uuid';
import { sqlLimit } from '../../database/sql-literal';
import { TicketFilter } from '../api/dto/ticket-filter.input';
import { Customer, Message, Ticket } from '../api/models/ticket.models';
import { CustomerRepository } from '../repositories/customer.repository';
import { MessageKey, MessageRepository, TicketRef } from '../repositories/message.repository';
import { ticketIncludesSql } from '../repositories/ticket-includes.repository';
import { TicketRepository } from '../repositories/ticket.repository';
import { attachIncludes, NO_INCLUDES, TicketIncludes } from './ticket-includes';
import { assertExternalId } from './ticket-input';
import { toMessage, toTicket } from './ticket-row.mapper';
import { searchTickets } from './ticket-search';
import { buildTicketWhere, searchQuery } from './ticket-where.builder';

export type { MessageKey, TicketRef } from '../repositories/message.repository';

/** Keyset position in the ticket list (updated_at DESC, id DESC); `updatedAt` keeps microseconds. */
export interface TicketKey {
  updatedAt: string;
  id: string;
}

export interface MessagePage {
  rows: Message[];
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

  /** One page of the ticket list, newest update first; `first + 1` rows say whether there is more. */
  async list(
    user: AuthUser,
    filter: TicketFilter | null | undefined,
    first: number,
    after?: TicketKey,
    includes: TicketIncludes = NO_INCLUDES,
  ): Promise<Ticket[]> {
    const w = buildTicketWhere(user, filter);
    if (after) {
      w.add(`(t.updated_at, t.id) < (${w.param(after.updatedAt)}::timestamptz, ${w.param(after.id)}::uuid)`);
    }
    const q = searchQuery(w, filter);
    const limit = sqlLimit(first + 1);
    // What the fields under the page ask of each ticket comes in the page's own statement.
    const withIncludes = ticketIncludesSql((v) => w.param(v), includes);
    const rows = q ? await searchTickets(this.tickets, w, q, limit, first, withIncludes) : await this.tickets.list(w, limit, withIncludes);
    return rows.map((r) => attachIncludes(toTicket(r), r, includes));
  }

  /** How many tickets match `filter` (whatever the page). */
  count(user: AuthUser, filter: TicketFilter | null | undefined): Promise<number> {
    const w = buildTicketWhere(user, filter);
    return this.tickets.count(w, searchQuery(w, filter));
  }

  /** A ticket by id, deleted or not; another tenant's ticket is simply not found. */
  async findById(user: AuthUser, id: string): Promise<Ticket | null> {
    assertUuid(id, 'id');
    const row = await this.tickets.findById(user.tenantId, id);
    return row ? toTicket(row) : null;
  }

  /** A ticket by its Gorgias id within a connector, deleted or not. */
  async findByExternalId(user: AuthUser, connectorId: string, externalId: string): Promise<Ticket | null> {
    assertUuid(connectorId, 'connectorId');
    assertExternalId(externalId, 'externalId');
    const row = await this.tickets.findByExternalId(user.tenantId, connectorId, externalId);
    return row ? toTicket(row) : null;
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
  ): Promise<MessagePage[]> {
    if (!tickets.length) return [];
    const rows = await this.messages.pages(user.tenantId, tickets, size, at, direction === 'backward');
    const pages: MessagePage[] = tickets.map(() => ({ rows: [], totalCount: 0 }));
    for (const r of rows) {
      const page = pages[Number(r.ord) - 1];
      page.totalCount = r.total;
      if (r.id) page.rows.push(toMessage(r, r.ticket_id));
    }
    return pages;
  }

  /** Customers by (connector, Gorgias customer id), in one query; keys are `connectorId:externalId`. */
  async customers(user: AuthUser, keys: readonly { connectorId: string; externalId: string }[]): Promise<Map<string, Customer>> {
    const found = new Map<string, Customer>();
    if (!keys.length) return found;
    for (const r of await this.customerRows.findByKeys(user.tenantId, keys)) {
      found.set(`${r.connector_id}:${r.external_id}`, { externalId: r.external_id, email: r.email, name: r.name });
    }
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
