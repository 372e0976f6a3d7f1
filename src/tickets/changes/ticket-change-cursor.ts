import { badUserInput } from '../../common/graphql-errors';

/**
 * A position in the change feed: the id of the transaction that wrote the change (xid8), then its
 * sequence number. Both are unsigned 64-bit integers, kept as decimal strings.
 */
export interface FeedPosition {
  xactId: string;
  seq: string;
}

const MAX_UINT64 = 18446744073709551615n;
const MAX_INT64 = 9223372036854775807n;
const DIGITS = /^\d{1,20}$/;
/** Marks our cursors, so a cursor of another list is refused instead of read as a position. */
const KIND = 'tc1';

/** Opaque to clients: base64url of a small JSON document. */
export function encodeFeedCursor(p: FeedPosition): string {
  return Buffer.from(JSON.stringify({ k: KIND, x: p.xactId, s: p.seq })).toString('base64url');
}

/** The position in a cursor; absent means "from the beginning"; anything malformed is BAD_USER_INPUT naming `argName`. */
export function decodeFeedCursor(cursor: string | null | undefined, argName = 'after'): FeedPosition | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  if (cursor.length <= 200) {
    try {
      const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (v && v.k === KIND && inRange(v.x, MAX_UINT64) && inRange(v.s, MAX_INT64)) return { xactId: v.x, seq: v.s };
    } catch {
      /* refused below */
    }
  }
  throw badUserInput(
    `${argName}: not a valid change feed cursor; pass a cursor returned by ticketChanges, ticketChangesCursor or the ticketChanges subscription, unchanged.`,
    argName,
  );
}

function inRange(value: unknown, max: bigint): value is string {
  return typeof value === 'string' && DIGITS.test(value) && BigInt(value) <= max;
}

/** Compares two positions in feed order (negative when a comes first). */
export function compareFeedPositions(a: FeedPosition, b: FeedPosition): number {
  const x = BigInt(a.xactId) - BigInt(b.xactId);
  if (x !== 0n) return x < 0n ? -1 : 1;
  const s = BigInt(a.seq) - BigInt(b.seq);
  return s === 0n ? 0 : s < 0n ? -1 : 1;
}
