/**
 * Keyset cursor pagination, as the real API does it (its cursors decode to a direction, an id and a
 * sort-key value). Cursors here are opaque base64url JSON of
 * { r: resource, o: order_by, d: 'n'|'p', k: sort key (ms), i: id }.
 */
import { ApiError } from './api-error';

export interface Cursor {
  r: string;
  o: string;
  d: 'n' | 'p';
  k: number;
  i: number;
}

export interface PageResult<T> {
  data: T[];
  next_cursor: string | null;
  prev_cursor: string | null;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string, resource: string, order: string): Cursor {
  let c: any;
  try {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(raw)) throw new Error('charset');
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw new ApiError(400, 'Invalid cursor.', { cursor: ['Invalid cursor.'] });
  }
  if (
    !c ||
    typeof c !== 'object' ||
    c.r !== resource ||
    (c.d !== 'n' && c.d !== 'p') ||
    typeof c.k !== 'number' ||
    !Number.isFinite(c.k) ||
    typeof c.i !== 'number' ||
    !Number.isInteger(c.i)
  ) {
    throw new ApiError(400, 'Invalid cursor.', { cursor: ['Invalid cursor.'] });
  }
  if (c.o !== order) throw new ApiError(400, 'The cursor does not match the order_by parameter.', { cursor: ['Invalid cursor.'] });
  return c as Cursor;
}

/**
 * Keyset pagination over `asc` (sorted ascending by (key, id)), listed in `desc` or ascending order.
 * A cursor carries the (key, id) of the item it was made from, so inserts and moves elsewhere in the
 * list never shift unchanged items across a page boundary.
 */
export function keysetPage<T>(
  asc: T[],
  key: (x: T) => number,
  id: (x: T) => number,
  opts: { desc: boolean; limit: number; cursor: Cursor | null; resource: string; order: string },
): PageResult<T> {
  const n = asc.length;
  const cmp = (x: T, k: number, i: number) => key(x) - k || id(x) - i;
  const lowerBound = (pred: (x: T) => boolean) => {
    // first index where pred is true (pred monotone false..true)
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pred(asc[mid])) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let start: number; // list positions [start, end)
  let end: number;
  const { cursor, limit, desc } = opts;
  if (!cursor) {
    start = 0;
    end = Math.min(n, limit);
  } else {
    const countLT = lowerBound((x) => cmp(x, cursor.k, cursor.i) >= 0);
    const countLE = lowerBound((x) => cmp(x, cursor.k, cursor.i) > 0);
    if (cursor.d === 'n') {
      start = desc ? n - countLT : countLE;
      end = Math.min(n, start + limit);
    } else {
      end = desc ? n - countLE : countLT;
      start = Math.max(0, end - limit);
    }
  }
  const data: T[] = [];
  for (let j = start; j < end; j++) data.push(asc[desc ? n - 1 - j : j]);
  const mk = (d: 'n' | 'p', x: T) => encodeCursor({ r: opts.resource, o: opts.order, d, k: key(x), i: id(x) });
  return {
    data,
    next_cursor: data.length && end < n ? mk('n', data[data.length - 1]) : null,
    prev_cursor: data.length && start > 0 ? mk('p', data[0]) : null,
  };
}

/** The list envelope every Gorgias list answers with. */
export function listBody<T>(page: PageResult<T>, uri: string) {
  return { data: page.data, meta: { next_cursor: page.next_cursor, prev_cursor: page.prev_cursor }, object: 'list', uri };
}
