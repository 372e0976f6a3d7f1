import { badUserInput } from '../graphql-errors';

/** Opaque keyset cursors: base64url JSON of the sort key of the last row seen. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decodes a cursor and checks it has `fields`; anything else is BAD_USER_INPUT naming `argName`. */
export function decodeCursor<K extends string>(
  cursor: string | null | undefined,
  fields: readonly K[],
  argName = 'after',
): Record<K, string> | undefined {
  if (cursor === undefined || cursor === null || cursor === '') return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value && typeof value === 'object' && fields.every((f) => typeof value[f] === 'string' || typeof value[f] === 'number')) {
      return Object.fromEntries(fields.map((f) => [f, String(value[f])])) as Record<K, string>;
    }
  } catch {
    /* fall through */
  }
  throw badUserInput(`${argName}: not a valid cursor; pass the endCursor (or an edge cursor) of the previous page unchanged.`, argName);
}

/** An instant as our cursors write it (ISO 8601 with Z, up to microseconds), and a real one. */
export function isCursorInstant(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(value) && !Number.isNaN(Date.parse(value));
}
