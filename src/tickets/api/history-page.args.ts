import { decodeCursor, encodeCursor, isCursorInstant } from '../../common/pagination/cursor';
import { checkPageSize } from '../../common/pagination/page-size';
import type { TicketEventKey } from '../model/coverage-read.types';
import { TicketEvent } from './models/coverage.models';

export const DEFAULT_HISTORY_PAGE = 50;

/** The page of `Ticket.history` asked, checked: BAD_USER_INPUT naming the argument otherwise. */
export interface HistoryPageArgs {
  size: number;
  at?: TicketEventKey;
  /** The cursor as given ('' when none): batches with the same arguments share one query. */
  atRaw: string;
}

export function historyPageArgs(first: number | null | undefined, after: string | null | undefined): HistoryPageArgs {
  const size = checkPageSize(first, DEFAULT_HISTORY_PAGE);
  if (after && after.length > 200) decodeCursor('invalid', ['id']); // no history cursor of ours is that long
  const key = decodeCursor(after, ['at', 'id'] as const);
  if (key && (!isCursorInstant(key.at) || !/^[0-9]{1,18}$/.test(key.id))) decodeCursor('invalid', ['id']);
  return { size, at: key, atRaw: after ?? '' };
}

export const historyCursor = (e: TicketEvent) => encodeCursor({ at: e.atKey, id: e.externalId });
