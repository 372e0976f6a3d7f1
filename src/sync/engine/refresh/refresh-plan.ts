import { REFRESH_BATCH_MAX_TICKETS, REFRESH_GET_MAX_TICKETS } from './refresh.constants';

/** How to re-read `distinctTickets` announced tickets at the fewest Gorgias calls. */
export type RefreshPlan = 'NOTHING' | 'EACH' | 'BATCH' | 'WALK';

/**
 * EACH: one GET per ticket, messages embedded (exact, one call each). BATCH: 100 tickets per call by
 * id plus one or two pages of the newest messages. WALK: so many that the connector's normal
 * incremental walk (a poll) reads them for less.
 */
export function refreshPlan(distinctTickets: number): RefreshPlan {
  if (distinctTickets <= 0) return 'NOTHING';
  if (distinctTickets <= REFRESH_GET_MAX_TICKETS) return 'EACH';
  if (distinctTickets <= REFRESH_BATCH_MAX_TICKETS) return 'BATCH';
  return 'WALK';
}
