import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
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
/** Marks the first cursor format (readable JSON), still accepted while clients move to the sealed one. */
const LEGACY_KIND = 'tc1';
/** First byte of a sealed cursor: a later format (e.g. per-tenant positions) takes the next number. */
const SEALED_VERSION = 2;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED_BYTES = 1 + IV_BYTES + 16 + TAG_BYTES;

/**
 * Feed cursors as clients see them. A position is a database-wide transaction id: shown as is, it
 * lets any tenant sample every tenant's write rate (security review I-1). So the position is sealed
 * with AES-256-GCM under a key derived from SECRETS_ENCRYPTION_KEYS and bound to the tenant (the
 * tenant id is authenticated data): another tenant's cursor, or an altered one, does not open and is
 * BAD_USER_INPUT. The IV is an HMAC of tenant and position, so the same position always gives the
 * same cursor (a repeated IV only ever repeats a whole cursor, which says nothing new).
 *
 * Every key of SECRETS_ENCRYPTION_KEYS opens cursors and the first one seals them, so cursors survive
 * a key rotation until the old key is removed. This is the only module that knows the format.
 */
export class FeedCursorCodec {
  private readonly keys: { seal: Buffer; iv: Buffer }[];

  /** `spec` is SECRETS_ENCRYPTION_KEYS (`id:base64[,id:base64...]`). */
  constructor(spec: string) {
    this.keys = spec
      .split(',')
      .map((part) => Buffer.from(part.trim().split(':')[1] ?? '', 'base64'))
      .filter((key) => key.length === 32)
      .map((key) => ({ seal: derive(key, 'seal'), iv: derive(key, 'iv') }));
    if (!this.keys.length) throw new Error('SECRETS_ENCRYPTION_KEYS: no key to seal feed cursors with');
  }

  encode(tenantId: string, p: FeedPosition): string {
    const { seal, iv: ivKey } = this.keys[0];
    const plain = Buffer.alloc(16);
    plain.writeBigUInt64BE(BigInt(p.xactId), 0);
    plain.writeBigUInt64BE(BigInt(p.seq), 8);
    const aad = Buffer.from(`feed:${tenantId}`);
    const iv = createHmac('sha256', ivKey).update(aad).update(plain).digest().subarray(0, IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', seal, iv);
    cipher.setAAD(aad);
    const data = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.from([SEALED_VERSION]), iv, data, cipher.getAuthTag()]).toString('base64url');
  }

  /**
   * The position in a cursor of this tenant; absent means "from the beginning"; anything else
   * (malformed, altered, another tenant's, sealed with a key no longer configured) is BAD_USER_INPUT naming `argName`.
   */
  decode(tenantId: string, cursor: string | null | undefined, argName = 'after'): FeedPosition | undefined {
    if (cursor === undefined || cursor === null || cursor === '') return undefined;
    const position = cursor.length <= 200 ? (this.open(tenantId, cursor) ?? readLegacy(cursor)) : undefined;
    if (position) return position;
    throw badUserInput(
      `${argName}: not a valid change feed cursor for your tenant; pass a cursor returned to this tenant by ticketChanges, ` +
        'ticketChangesCursor or the ticketChanges subscription, unchanged (or omit it to read from the beginning).',
      argName,
    );
  }

  private open(tenantId: string, cursor: string): FeedPosition | undefined {
    const bytes = Buffer.from(cursor, 'base64url');
    if (bytes.length !== SEALED_BYTES || bytes[0] !== SEALED_VERSION) return undefined;
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const data = bytes.subarray(1 + IV_BYTES, SEALED_BYTES - TAG_BYTES);
    const tag = bytes.subarray(SEALED_BYTES - TAG_BYTES);
    for (const { seal } of this.keys) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', seal, iv);
        decipher.setAAD(Buffer.from(`feed:${tenantId}`));
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(data), decipher.final()]);
        const seq = plain.readBigUInt64BE(8);
        if (seq > MAX_INT64) return undefined;
        return { xactId: plain.readBigUInt64BE(0).toString(), seq: seq.toString() };
      } catch {
        // Not this key (or not this tenant's cursor): try the next key.
      }
    }
    return undefined;
  }
}

/** One key per purpose, so the cursor keys are unrelated to the keys that encrypt stored secrets. */
function derive(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `cxconnect feed cursor ${purpose}`, 32));
}

/**
 * The first format, `{"k":"tc1","x":…,"s":…}` in base64url, is accepted during a transition so that a
 * consumer holding one resumes after the upgrade without a replay; it is never produced any more. It is
 * not bound to a tenant, which is harmless: every read is filtered by the caller's tenant, so a foreign
 * or forged position only moves where the caller's own feed starts. Drop this once clients have moved.
 */
function readLegacy(cursor: string): FeedPosition | undefined {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (v && v.k === LEGACY_KIND && inRange(v.x, MAX_UINT64) && inRange(v.s, MAX_INT64)) return { xactId: v.x, seq: v.s };
  } catch {
    /* not a legacy cursor either */
  }
  return undefined;
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

/**
 * Whether a ticket row read on its node shows the change at `position`, from the row's stamp: 0 it
 * does, negative it does not yet (its node has not committed that change), positive a later change
 * moved it on. No stamp: a row written without the feed, taken as showing it. A stamp with no seq
 * was written by the transaction that inserted the row (the insert stamps its own transaction; its
 * position's seq is drawn later in that transaction): it shows every position of that transaction.
 */
export function stampShows(row: { feed_xact_id: string | null; feed_seq: string | null }, position: FeedPosition): number {
  if (row.feed_xact_id == null) return 0;
  if (row.feed_seq == null) return compareFeedPositions({ xactId: row.feed_xact_id, seq: '0' }, { xactId: position.xactId, seq: '0' });
  return compareFeedPositions({ xactId: row.feed_xact_id, seq: row.feed_seq }, position);
}
