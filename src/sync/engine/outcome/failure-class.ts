import { QueryFailedError } from 'typeorm';
import { SecretUnreadableError } from '../../../secrets/secret-cipher';
import { HelpdeskApiError } from '../source/helpdesk-source';

/**
 * What kind of failure stopped a write or a run. Decided here only, from the error's type and, for
 * database errors, its SQLSTATE class; sync-failure.advice.ts says what each means to the user.
 *  - gorgias: the Gorgias API refused or could not be reached (HelpdeskApiError carries the detail)
 *  - data: PostgreSQL refused a value (classes 22 data exception, 23 integrity, 54 program limit,
 *    e.g. "string is too long for tsvector"): retrying the same record fails the same way
 *  - connector-gone: a write referred to a connector deleted meanwhile (23503 foreign key)
 *  - storage: the database itself failed (connection lost, out of resources, shut down)
 *  - credentials: the stored API key cannot be decrypted
 *  - internal: anything else (a bug)
 */
export type FailureClass = 'gorgias' | 'data' | 'connector-gone' | 'storage' | 'credentials' | 'internal';

const DATA_CLASSES = new Set(['22', '23', '54']);
/** Connection exception, insufficient resources, operator intervention, system error. */
const STORAGE_CLASSES = new Set(['08', '53', '57', '58']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);

/** The SQLSTATE of a PostgreSQL error, if `e` is one. */
export function sqlState(e: unknown): string | undefined {
  const code =
    e instanceof QueryFailedError ? (e.driverError as { code?: unknown } | undefined)?.code : (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function failureClassOf(e: unknown): FailureClass {
  if (e instanceof HelpdeskApiError) return 'gorgias';
  if (e instanceof SecretUnreadableError) return 'credentials';
  const state = sqlState(e);
  if (state === '23503') return 'connector-gone';
  if (state && DATA_CLASSES.has(state.slice(0, 2))) return 'data';
  if (state && STORAGE_CLASSES.has(state.slice(0, 2))) return 'storage';
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'storage';
  if (e instanceof Error && /Connection terminated|connection timeout|Client has encountered a connection error/i.test(e.message))
    return 'storage';
  return 'internal';
}

/** A record PostgreSQL refuses as it is: storing it again would fail the same way. */
export function isDataError(e: unknown): boolean {
  return failureClassOf(e) === 'data';
}

/**
 * The database's own words for a refused value, without the statement, its parameters or the value
 * it quotes at the end (they hold customer data): e.g. `invalid input syntax for type timestamp with
 * time zone: (value withheld) (SQLSTATE 22007)`.
 */
export function dataErrorReason(e: unknown): string {
  const state = sqlState(e) ?? 'unknown';
  const first = (e instanceof Error ? e.message : String(e)).split('\n')[0];
  const message = first.replace(/: ".*"$/, ': (value withheld)').slice(0, 300);
  return `${message} (SQLSTATE ${state})`;
}
