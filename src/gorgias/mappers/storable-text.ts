/**
 * Makes text from Gorgias storable in PostgreSQL whatever a customer pasted into an email.
 *
 * PostgreSQL refuses three things that JSON and JavaScript strings allow: the NUL character (text and
 * jsonb), lone UTF-16 surrogates (jsonb rejects `\udc00`, text would need invalid UTF-8), and values
 * past its size limits. One such record used to roll back its whole page, so these rules run on every
 * string before it reaches a statement. Search vectors are capped separately, in SQL (see the
 * SearchVectorCaps migration).
 */

/** Longest string kept from one Gorgias field (characters). Longer text is cut and its length recorded. */
export const MAX_STORED_TEXT_CHARS = 1_000_000;

/** Longest short field (status, channel, e-mail, name, tag): they are indexed, and a btree entry must stay under ~2.7 kB. */
export const MAX_SHORT_TEXT_CHARS = 500;

/** Longest subject kept (a subject is shown in lists and searched, never needed whole past this). */
export const MAX_SUBJECT_CHARS = 10_000;

/**
 * Longest string kept inside a stored payload. Payloads are kept for fidelity, never read back for
 * bodies (those have their own columns, capped at MAX_STORED_TEXT_CHARS), so a pasted log is not stored twice in full.
 */
export const MAX_PAYLOAD_TEXT_CHARS = 100_000;

/** Depth past which nested payload values are dropped: Gorgias' own objects are a few levels deep. */
export const MAX_PAYLOAD_DEPTH = 32;

const REPLACEMENT = '\uFFFD';
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function wellFormed(s: string): string {
  // Node 20 has String.prototype.toWellFormed (ES2024); the regex is the same rule for older runtimes.
  const native = (s as { toWellFormed?: () => string }).toWellFormed;
  return native ? native.call(s) : s.replace(LONE_SURROGATE, REPLACEMENT);
}

/** A storable copy of `s`: NUL removed, lone surrogates replaced by U+FFFD, at most `max` characters. */
export function storableText(s: string, max = MAX_STORED_TEXT_CHARS): string {
  let out = s.includes('\u0000') ? s.replace(/\u0000/g, '') : s;
  // Cutting may split a surrogate pair: making the result well-formed afterwards repairs that too.
  if (out.length > max) out = out.slice(0, max);
  return wellFormed(out);
}

/** `storableText` for optional fields. */
export function storableOrNull(s: string | null | undefined, max = MAX_STORED_TEXT_CHARS): string | null {
  return typeof s === 'string' ? storableText(s, max) : null;
}

/** True when `s` is not stored as is (cut or repaired): callers record the original length. */
export function needsCut(s: string | null | undefined, max = MAX_STORED_TEXT_CHARS): boolean {
  return typeof s === 'string' && s.length > max;
}

/**
 * A JSON payload with every string (keys included) made storable and nesting bounded. Payloads are
 * kept for fidelity, never for search. Parts that need no change are returned as they are (most
 * payloads come back as the same object), so clean pages cost no copying.
 */
export function storablePayload<T>(value: T, max = MAX_PAYLOAD_TEXT_CHARS): T {
  return clean(value, max, 0) as T;
}

function clean(value: unknown, max: number, depth: number): unknown {
  if (typeof value === 'string') return storableText(value, max);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_PAYLOAD_DEPTH) return null;
  // A copy is started only at the first part that changes (most payloads are clean): walking a
  // message's payload allocated a new object per level even when nothing changed (issue 27's profile).
  if (Array.isArray(value)) {
    let items: unknown[] | null = null;
    for (let i = 0; i < value.length; i++) {
      const cleaned = clean(value[i], max, depth + 1);
      if (items === null && cleaned !== value[i]) items = value.slice(0, i);
      if (items !== null) items.push(cleaned);
    }
    return items ?? value;
  }
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  let out: Record<string, unknown> | null = null;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = source[k];
    const key = storableText(k, 1_000);
    const cleaned = clean(v, max, depth + 1);
    if (out === null && (key !== k || cleaned !== v)) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]] = source[keys[j]];
    }
    if (out !== null) out[key] = cleaned;
  }
  return out ?? value;
}
