/** A timestamptz column as UTC text made by PostgreSQL, with milliseconds or microseconds. */
const utcText = (column: string, fraction: 'MS' | 'US') =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.${fraction}"Z"')`;

/** Microseconds kept: keyset cursors, so that rows a microsecond apart never collide. */
export const isoMicrosSql = (column: string) => utcText(column, 'US');

/**
 * Exactly the text `Date#toISOString` gives for the Date pg would parse (milliseconds truncated): the
 * API's DateTime, answered as it is by the scalar (see `Instant` in common/graphql/strict-date-time.ts).
 */
export const isoInstantSql = (column: string) => utcText(column, 'MS');
