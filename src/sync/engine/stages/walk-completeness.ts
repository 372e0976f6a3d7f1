import { SyncCheckpoint } from '../../sync-run.types';
import { SourcePage, sourceTimeMs } from '../source/helpdesk-source';

/** What deciding whether a whole-list walk saw everything needs of the list. */
export interface CompletenessSpec<T> {
  /** The oldest item Gorgias lists now (the walk's order reversed, one item): at most one cheap call. */
  fetchOldest: () => Promise<SourcePage<T>>;
  timestamp: (item: T) => string;
  idOf: (item: T) => number;
}

/** An item Gorgias still lists that sorts after (older than) where the walk ended: proof it was cut short. */
export interface MissedOlder {
  id: number;
  timestamp: string;
}

/**
 * Whether a newest-first walk of the whole list that ran out of pages missed older items. Decided
 * from evidence, never from a page size (a full last page without a next cursor is the normal end of
 * a list whose length is a multiple of 100):
 *  - the walk ended on the oldest item listed when it started (`cp.oldestId`): complete, no call;
 *  - else one call for the oldest item listed now: the walk missed something only if that item
 *    sorts below where the walk ended. The oldest item may have been deleted or merged away during
 *    the walk, which is why the start's answer alone does not prove a cut.
 * Creation order (initial and FULL walks) is not reshuffled by updates, so an item older than the
 * walk's end that still exists was skipped, not moved.
 */
export async function findMissedOlder<T>(cp: SyncCheckpoint, spec: CompletenessSpec<T>): Promise<MissedOlder | null> {
  if (cp.positionId != null && cp.positionId === cp.oldestId) return null;
  if (!cp.position && cp.oldestId === null) return null; // empty when the walk started, and nothing was walked
  const oldest = (await spec.fetchOldest()).data[0];
  if (!oldest) return null;
  const id = spec.idOf(oldest);
  const timestamp = spec.timestamp(oldest);
  if (!cp.position) return { id, timestamp }; // Gorgias lists items, the walk saw none
  if (id === cp.positionId) return null;
  const ms = sourceTimeMs(timestamp);
  const endMs = sourceTimeMs(cp.position);
  // Lists sort by (timestamp, id): an equal timestamp with a lower id comes after the walk's end
  // (a checkpoint from before positionId was kept compares by timestamp only).
  const older = ms < endMs || (ms === endMs && cp.positionId != null && id < cp.positionId);
  return older ? { id, timestamp } : null;
}
