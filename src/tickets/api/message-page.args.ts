import { decodeCursor } from '../../common/pagination/cursor';
import { checkPageSize } from '../../common/pagination/page-size';
import { badUserInput } from '../../common/graphql-errors';
import { isValidKey } from '../queries/ticket-input';
import type { MessagePageArgs } from '../model/ticket-read.types';
import { DEFAULT_MESSAGES_PAGE } from './dto/tickets-args';

/** Keyset cursor of a ticket list or a conversation: BAD_USER_INPUT naming the argument unless it is one of ours. */
export function decodeKey<K extends 'updatedAt' | 'createdAt'>(after: string | null | undefined, timeField: K) {
  if (after && after.length > 1000) decodeCursor('invalid', ['id']); // no cursor of ours is that long
  const key = decodeCursor(after, [timeField, 'id'] as const);
  if (key && !isValidKey(key as never, timeField)) decodeCursor('invalid', ['id']);
  return key as (Record<K, string> & { id: string }) | undefined;
}

/** The arguments of `Ticket.messages`, as GraphQL passes them. */
export interface MessagesArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export function messagePageArgs(args: MessagesArgs): MessagePageArgs {
  if (args.last != null || args.before != null) {
    if (args.after != null) throw badUserInput('messages: use first/after or last/before, not both.', 'after');
    const size = checkPageSize(args.last, DEFAULT_MESSAGES_PAGE, 'last');
    return { size, at: decodeKey(args.before, 'createdAt'), atRaw: args.before ?? '', backward: true };
  }
  const size = checkPageSize(args.first, DEFAULT_MESSAGES_PAGE);
  return { size, at: decodeKey(args.after, 'createdAt'), atRaw: args.after ?? '', backward: false };
}
