import { REFRESH_COALESCE_MAX_MS } from './refresh.constants';

/** What the intake knows about a connector when one more webhook arrives (read under its state-row lock). */
export interface BurstState {
  /** The transaction's time. */
  now: Date;
  /** When this webhook's own request is due (later than `now` for an id re-read seconds ago). */
  ownDueAt: Date;
  /** The connector's current due time, null when it holds no request (a quiet connector). */
  dueSince: Date | null;
  /** The oldest pending request's due time, if any. */
  oldest: Date | null;
  /** Whether this ticket already has a pending request (a duplicate adds no work). */
  held: boolean;
}

/**
 * When the connector's next refresh run is due after this webhook. The run starts REFRESH_COALESCE_MS
 * after its due time, so that one burst makes one run. The first webhook of a quiet connector sets
 * it; each webhook for a new ticket of the same burst moves it to its own arrival (a debounce), but
 * never past the oldest request's due time plus REFRESH_COALESCE_MAX_MS, so a steady stream still gets
 * read. Why a debounce and not a fixed window: the intake of one connector's concurrent deliveries is
 * serialized on its state row, so a burst is recorded at the database's pace (on a Citus cluster each
 * delivery is a distributed commit); a fixed window split a burst of 23 there into a run of the first 5
 * (read one GET each) and a run of the rest. A duplicate of a held request leaves the time alone.
 */
export function burstDueAt(s: BurstState): Date {
  if (!s.dueSince) return s.ownDueAt;
  if (s.held) return s.dueSince;
  const base = s.oldest && s.oldest < s.dueSince ? s.oldest : s.dueSince;
  const cap = new Date(base.getTime() + REFRESH_COALESCE_MAX_MS);
  const slid = s.now < cap ? s.now : cap;
  return slid > s.dueSince ? slid : s.dueSince;
}
