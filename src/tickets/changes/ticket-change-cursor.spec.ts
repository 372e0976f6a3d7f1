import { compareFeedPositions, FeedCursorCodec, stampShows } from './ticket-change-cursor';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
const codec = new FeedCursorCodec(`k1:${key(1)}`);
const legacy = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('change feed cursor', () => {
  it('round-trips a position, including 64-bit transaction ids', () => {
    const p = { xactId: '18446744073709551615', seq: '9223372036854775807' };
    expect(codec.decode('acme', codec.encode('acme', p))).toEqual(p);
    expect(codec.decode('acme', null)).toBeUndefined();
    expect(codec.decode('acme', '')).toBeUndefined();
  });

  it('does not show the transaction id: the cursor is sealed, and the same position always gives the same cursor', () => {
    const cursor = codec.encode('acme', { xactId: '1042', seq: '7' });
    const bytes = Buffer.from(cursor, 'base64url');
    const xid = Buffer.alloc(8);
    xid.writeBigUInt64BE(1042n);
    // Neither as text (the old JSON) nor as the 64-bit integer sealed inside.
    expect(bytes.toString('latin1')).not.toMatch(/1042|tc1/);
    expect(bytes.includes(xid)).toBe(false);
    expect(codec.encode('acme', { xactId: '1042', seq: '7' })).toBe(cursor);
    expect(codec.encode('acme', { xactId: '1043', seq: '7' })).not.toBe(cursor);
  });

  it("refuses another tenant's cursor, an altered one and one sealed under a key no longer configured", () => {
    const cursor = codec.encode('acme', { xactId: '1042', seq: '7' });
    expect(() => codec.decode('globex', cursor)).toThrow(/not a valid change feed cursor for your tenant/);
    const altered = Buffer.from(cursor, 'base64url');
    altered[20] ^= 1;
    expect(() => codec.decode('acme', altered.toString('base64url'))).toThrow(/not a valid change feed cursor/);
    expect(() => new FeedCursorCodec(`k2:${key(2)}`).decode('acme', cursor)).toThrow(/not a valid change feed cursor/);
  });

  it('keeps opening cursors of a rotated key while that key is still listed, and seals with the first', () => {
    const old = codec.encode('acme', { xactId: '5', seq: '1' });
    const rotated = new FeedCursorCodec(`k2:${key(2)},k1:${key(1)}`);
    expect(rotated.decode('acme', old)).toEqual({ xactId: '5', seq: '1' });
    expect(rotated.encode('acme', { xactId: '5', seq: '1' })).not.toBe(old);
  });

  it('accepts the first, readable format during the transition (never produces it)', () => {
    expect(codec.decode('acme', legacy({ k: 'tc1', x: '1042', s: '3' }))).toEqual({ xactId: '1042', seq: '3' });
  });

  it.each([
    ['garbage', 'garbage'],
    ["another list's cursor", legacy({ updatedAt: '2026-01-01', id: 'x' })],
    ['a negative id', legacy({ k: 'tc1', x: '-1', s: '1' })],
    ['a seq past bigint', legacy({ k: 'tc1', x: '1', s: '9223372036854775808' })],
    ['numbers instead of strings', legacy({ k: 'tc1', x: 1, s: 1 })],
    ['an oversized cursor', 'a'.repeat(500)],
  ])('refuses %s as BAD_USER_INPUT naming the argument', (_what, cursor) => {
    try {
      codec.decode('acme', cursor, 'after');
      throw new Error('accepted');
    } catch (e: any) {
      expect(e.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(e.message).toMatch(/^after: not a valid change feed cursor for your tenant; pass a cursor returned to this tenant by/);
    }
  });

  it('orders by transaction id, then sequence number, as numbers', () => {
    expect(compareFeedPositions({ xactId: '9', seq: '100' }, { xactId: '10', seq: '1' })).toBeLessThan(0);
    expect(compareFeedPositions({ xactId: '10', seq: '2' }, { xactId: '10', seq: '1' })).toBeGreaterThan(0);
    expect(compareFeedPositions({ xactId: '10', seq: '1' }, { xactId: '10', seq: '1' })).toBe(0);
  });

  it("tells from a ticket's stamp whether it shows a position; an insert's stamp (no seq) shows its own transaction's", () => {
    const at = { xactId: '10', seq: '5' };
    expect(stampShows({ feed_xact_id: null, feed_seq: null }, at)).toBe(0);
    expect(stampShows({ feed_xact_id: '10', feed_seq: '5' }, at)).toBe(0);
    expect(stampShows({ feed_xact_id: '10', feed_seq: '4' }, at)).toBeLessThan(0);
    expect(stampShows({ feed_xact_id: '10', feed_seq: null }, at)).toBe(0);
    expect(stampShows({ feed_xact_id: '9', feed_seq: null }, at)).toBeLessThan(0);
    expect(stampShows({ feed_xact_id: '11', feed_seq: null }, at)).toBeGreaterThan(0);
  });
});
