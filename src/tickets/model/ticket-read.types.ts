import type { TICKET_COLUMNS } from './ticket.table';

/** Keyset position in the ticket list (updated_at DESC, id DESC); `updatedAt` keeps microseconds. */
export interface TicketKey {
  updatedAt: string;
  id: string;
}

/** Keyset position in a ticket's conversation (created_at ASC, id ASC). */
export interface MessageKey {
  createdAt: string;
  id: string;
}

/** What the messages batch needs to know about a ticket. */
export interface TicketRef {
  id: string;
  connectorId: string;
  externalId: string;
}

/** What page of a conversation `Ticket.messages` asks for, checked (BAD_USER_INPUT naming the argument otherwise). */
export interface MessagePageArgs {
  size: number;
  /** The decoded cursor (after, or before when backward). */
  at?: MessageKey;
  /** The cursor as given ('' when none): batches with the same arguments share one query. */
  atRaw: string;
  /** last/before: the newest `size` messages before `at`. */
  backward: boolean;
}

/** A `messages` field asked on every ticket of a page, fetched in the page's own statement. */
export interface MessagesInclude extends MessagePageArgs {
  /** Response key (alias or field name) the page answers. */
  key: string;
  totalCount: boolean;
  /** edges or pageInfo asked: cursors need each message's created_at with microseconds. */
  cursors: boolean;
  /** Message fields asked (under nodes or edges.node). */
  fields: ReadonlySet<string>;
}

/** What a ticket page brings along in its one statement: the customer (per response key) and message pages. */
export interface TicketIncludes {
  customerKeys: string[];
  messages: MessagesInclude[];
  /** The ticket columns (of TicketRow) the fields asked need; undefined: all of them. */
  columns?: string[];
}

export const NO_INCLUDES: TicketIncludes = { customerKeys: [], messages: [] };

/** The exact-match arguments of a ticket list, one per `filter` of the column table. */
type ColumnFilters = { [K in Extract<(typeof TICKET_COLUMNS)[number], { filter: object }>['filter']['arg']]?: string | null };

/** True when `search` has something to search for (blank searches are ignored). */
export function hasSearch(search: string | null | undefined): search is string {
  return typeof search === 'string' && search.trim().length > 0;
}

/** What a ticket list is filtered by (GraphQL's TicketFilter is one). */
export interface TicketListFilter extends ColumnFilters {
  updatedAfter?: Date | null;
  updatedBefore?: Date | null;
  search?: string | null;
  includeDeleted?: boolean | null;
  /** A tag name the ticket carries (ignoring case), through the ticket–tag links. */
  tag?: string | null;
  /** Only tickets whose satisfaction survey scored at least this (1 to 5). */
  minSatisfactionScore?: number | null;
}
