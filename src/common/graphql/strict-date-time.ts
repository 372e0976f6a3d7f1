import { GraphQLISODateTime } from '@nestjs/graphql';
import { Kind, ValueNode } from 'graphql';

/** RFC 3339 date-time, as the scalar's description promises: date, time, and Z or an offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

/** Exactly what `Date#toISOString` gives (UTC, milliseconds): the only text the scalar answers as it is. */
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An instant as the API answers it: a Date, or the text `Date#toISOString` would give for it.
 * Hot read paths have PostgreSQL format their timestamps (see `isoInstantSql` in database/sql-timestamps.ts): no Date is parsed
 * from the wire and formatted again per value (about 300 per page of 50 tickets with 5 messages).
 */
export type Instant = Date | string;

function parse(value: unknown): Date {
  // An Invalid Date is handed on, so that class-validator's IsDate names the field and the fix
  // (BAD_USER_INPUT), instead of "1" or "2026" quietly becoming some instant.
  if (typeof value !== 'string' || !RFC3339.test(value)) return new Date(NaN);
  return new Date(value);
}

function serialize(value: unknown): string | null {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' && ISO_UTC_MS.test(value) ? value : null;
}

let done = false;

/**
 * Nest's `DateTime` scalar reads input with `new Date(value)`, which takes "1" as the year 2001, and
 * answers only Dates. It is one shared scalar instance (input and output fields use it), so it is
 * changed in place: strict input, and output that also takes an Instant's text as it is.
 */
export function configureDateTimeScalar(): void {
  if (done) return;
  done = true;
  GraphQLISODateTime.parseValue = parse;
  GraphQLISODateTime.parseLiteral = (ast: ValueNode) => parse(ast.kind === Kind.STRING ? ast.value : undefined);
  // null for anything else, as Nest's own serializer answers (its declared type says string).
  GraphQLISODateTime.serialize = serialize as (value: unknown) => string;
}
