import type { IncludeSql } from '../repositories/ticket-includes.repository';
import type { TicketRow } from '../model/ticket.table';
import { TicketRepository } from '../repositories/ticket.repository';
import type { TicketWhere } from '../repositories/ticket-where';

/** A search first checks this many of the newest tickets one by one (see `searchTickets`). */
export const SEARCH_WALK = 2000;

/**
 * One page of a search: it matches the ticket's own text or any of its messages. No single plan
 * suits every word (PostgreSQL cannot tell a common word from an absent one well enough), so it
 * runs in two steps: walk the newest SEARCH_WALK tickets in list order, checking each (fast when
 * the words are common); only if that does not fill the page (`first + 1` rows), collect every
 * match through the GIN indexes (fast when they are rare).
 */
export async function searchTickets(
  tickets: TicketRepository,
  w: TicketWhere,
  q: string,
  limit: string,
  first: number,
  withIncludes?: IncludeSql,
): Promise<TicketRow[]> {
  const walked = await tickets.searchWalk(w, q, limit, SEARCH_WALK, withIncludes);
  if (walked.length > first) return walked;
  return tickets.searchAll(w, q, limit, withIncludes);
}
