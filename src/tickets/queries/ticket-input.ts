import { badUserInput } from '../../common/graphql-errors';

const MAX_BIGINT = 9223372036854775807n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A Gorgias id: a positive integer that fits PostgreSQL's bigint. BAD_USER_INPUT naming `field` otherwise. */
export function assertExternalId(value: string, field: string): void {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value) || BigInt(value) > MAX_BIGINT) {
    throw badUserInput(
      `${field}: "${String(value).slice(0, 60)}" is not a Gorgias id; use the numeric id shown in Gorgias (e.g. 12345).`,
      field,
    );
  }
}

/** Checks a decoded ticket cursor really holds a timestamp and a uuid (else BAD_USER_INPUT). */
export function isValidKey(key: { id: string } & Record<string, string>, timeField: string): boolean {
  return UUID.test(key.id) && !Number.isNaN(Date.parse(key[timeField]));
}
