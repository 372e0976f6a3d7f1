import { compareFeedPositions, decodeFeedCursor, encodeFeedCursor } from './ticket-change-cursor';

describe('change feed cursor', () => {
  it('round-trips a position, including 64-bit transaction ids', () => {
    const p = { xactId: '18446744073709551615', seq: '9223372036854775807' };
    expect(decodeFeedCursor(encodeFeedCursor(p))).toEqual(p);
    expect(decodeFeedCursor(null)).toBeUndefined();
    expect(decodeFeedCursor('')).toBeUndefined();
  });

  it.each([
    ['garbage', 'garbage'],
    ["another list's cursor", Buffer.from(JSON.stringify({ updatedAt: '2026-01-01', id: 'x' })).toString('base64url')],
    ['a negative id', Buffer.from(JSON.stringify({ k: 'tc1', x: '-1', s: '1' })).toString('base64url')],
    ['a seq past bigint', Buffer.from(JSON.stringify({ k: 'tc1', x: '1', s: '9223372036854775808' })).toString('base64url')],
    ['numbers instead of strings', Buffer.from(JSON.stringify({ k: 'tc1', x: 1, s: 1 })).toString('base64url')],
    ['an oversized cursor', 'a'.repeat(500)],
  ])('refuses %s as BAD_USER_INPUT naming the argument', (_what, cursor) => {
    try {
      decodeFeedCursor(cursor, 'after');
      throw new Error('accepted');
    } catch (e: any) {
      expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(e.message).toMatch(/^after: not a valid change feed cursor; pass a cursor returned by/);
    }
  });

  it('orders by transaction id, then sequence number, as numbers', () => {
    expect(compareFeedPositions({ xactId: '9', seq: '100' }, { xactId: '10', seq: '1' })).toBeLessThan(0);
    expect(compareFeedPositions({ xactId: '10', seq: '2' }, { xactId: '10', seq: '1' })).toBeGreaterThan(0);
    expect(compareFeedPositions({ xactId: '10', seq: '1' }, { xactId: '10', seq: '1' })).toBe(0);
  });
});
