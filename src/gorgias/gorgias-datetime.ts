/**
 * Gorgias datetimes are ISO 8601, but the reference shows both `2021-11-02T21:58:43.171610+00:00`
 * and `2020-01-27T10:42:21.468912` (no offset, meaning UTC). `new Date()` and PostgreSQL would read
 * the second as local time, so every datetime is given an explicit offset when it enters the app.
 * Microseconds are kept (they order events that share a millisecond).
 */
const HAS_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;

export function toUtcDatetime<T extends string | null | undefined>(value: T): T {
  if (typeof value !== 'string' || !DATETIME.test(value) || HAS_OFFSET.test(value)) return value;
  return `${value}Z` as T;
}

/** Milliseconds since the epoch, for comparing datetimes whatever their textual form. */
export function datetimeMs(value: string | null | undefined): number {
  return value ? Date.parse(toUtcDatetime(value)) : NaN;
}

/** Gives every top-level `*_datetime` field of an API object an explicit offset, in place. */
export function normalizeDatetimes<T>(item: T): T {
  if (item && typeof item === 'object') {
    for (const [key, value] of Object.entries(item as Record<string, unknown>)) {
      if (key.endsWith('_datetime') && typeof value === 'string') (item as Record<string, unknown>)[key] = toUtcDatetime(value);
    }
  }
  return item;
}
