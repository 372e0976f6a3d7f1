import { GraphQLISODateTime } from '@nestjs/graphql';
import { Kind, ValueNode } from 'graphql';

/** RFC 3339 date-time, as the scalar's description promises: date, time, and Z or an offset. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function parse(value: unknown): Date {
  // An Invalid Date is handed on, so that class-validator's IsDate names the field and the fix
  // (BAD_USER_INPUT), instead of "1" or "2026" quietly becoming some instant.
  if (typeof value !== 'string' || !RFC3339.test(value)) return new Date(NaN);
  return new Date(value);
}

let done = false;

/**
 * Nest's `DateTime` scalar reads input with `new Date(value)`, which takes "1" as the year 2001.
 * It is one shared scalar instance (input and output fields use it), so its input side is made
 * strict in place; output is unchanged.
 */
export function makeDateTimeInputStrict(): void {
  if (done) return;
  done = true;
  GraphQLISODateTime.parseValue = parse;
  GraphQLISODateTime.parseLiteral = (ast: ValueNode) => parse(ast.kind === Kind.STRING ? ast.value : undefined);
}
