import { decodeCursor, encodeCursor } from './cursor';
import { checkPageSize, MAX_PAGE_SIZE } from './page-size';
import { toBackwardConnection, toConnection } from './paginated';

describe('cursor', () => {
  it('round-trips a keyset', () => {
    const c = encodeCursor({ updatedAt: '2026-01-01T00:00:00.000Z', id: 'abc' });
    expect(decodeCursor(c, ['updatedAt', 'id'])).toEqual({ updatedAt: '2026-01-01T00:00:00.000Z', id: 'abc' });
  });

  it.each(['garbage', encodeCursor({ other: 'x' }), Buffer.from('[1,2]').toString('base64url')])('refuses %s naming the argument', (c) => {
    expect(() => decodeCursor(c, ['id'], 'after')).toThrow(/^after: not a valid cursor/);
  });

  it('treats absent cursors as the first page', () => {
    expect(decodeCursor(undefined, ['id'])).toBeUndefined();
    expect(decodeCursor(null, ['id'])).toBeUndefined();
  });
});

describe('checkPageSize', () => {
  it('defaults and accepts the range', () => {
    expect(checkPageSize(undefined, 20)).toBe(20);
    expect(checkPageSize(MAX_PAGE_SIZE, 20)).toBe(MAX_PAGE_SIZE);
  });
  it.each([0, -1, MAX_PAGE_SIZE + 1, 1.5])('refuses %p with the fix', (n) => {
    expect(() => checkPageSize(n, 20)).toThrow(/first: must be between 1 and 100/);
  });
});

describe('toConnection', () => {
  it('uses the extra row only to say there is a next page', () => {
    const conn = toConnection([1, 2, 3], 2, 10, (n) => `c${n}`);
    expect(conn.nodes).toEqual([1, 2]);
    expect(conn.pageInfo).toEqual({ hasNextPage: true, endCursor: 'c2', hasPreviousPage: false, startCursor: 'c1' });
    expect(conn.totalCount).toBe(10);
    expect(toConnection([1], 2, 1, String).pageInfo).toEqual({
      hasNextPage: false,
      endCursor: '1',
      hasPreviousPage: false,
      startCursor: '1',
    });
    expect(toConnection([], 2, 0, String).pageInfo).toEqual({
      hasNextPage: false,
      endCursor: null,
      hasPreviousPage: false,
      startCursor: null,
    });
  });
});

describe('toBackwardConnection', () => {
  it('returns the page in list order and uses the extra row to say earlier items exist', () => {
    // Fetched newest first with LIMIT last + 1.
    const conn = toBackwardConnection([9, 8, 7], 2, 9, (n) => `c${n}`, false);
    expect(conn.nodes).toEqual([8, 9]);
    expect(conn.edges.map((e) => e.cursor)).toEqual(['c8', 'c9']);
    expect(conn.pageInfo).toEqual({ hasPreviousPage: true, startCursor: 'c8', hasNextPage: false, endCursor: 'c9' });
    expect(toBackwardConnection([2, 1], 5, 2, String, true).pageInfo).toEqual({
      hasPreviousPage: false,
      startCursor: '1',
      hasNextPage: true,
      endCursor: '2',
    });
  });
});
