/** Query-string validation shared by the routes: unknown or malformed parameters answer 400, as Gorgias does. */
import { ApiError } from './api-error';

export type Query = URLSearchParams;

export const CREATED_ORDERS = ['created_datetime:asc', 'created_datetime:desc'];
export const TICKET_ORDERS = [...CREATED_ORDERS, 'updated_datetime:asc', 'updated_datetime:desc'];
export const LIST_PARAMS = ['limit', 'cursor', 'order_by'];

const invalid = (name: string, msg: string) => new ApiError(400, 'Invalid query parameters.', { [name]: [msg] });

export function checkParams(q: Query, allowed: string[]): void {
  const unknown: Record<string, string[]> = {};
  for (const k of new Set(q.keys())) if (!allowed.includes(k)) unknown[k] = ['Unknown field.'];
  if (Object.keys(unknown).length) throw new ApiError(400, 'Invalid query parameters.', unknown);
}

export function one(q: Query, name: string): string | undefined {
  const all = q.getAll(name);
  if (all.length > 1) throw invalid(name, 'Only one value is accepted.');
  return all[0];
}

export function parseLimit(q: Query): number {
  const raw = one(q, 'limit');
  if (raw === undefined) return 30;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) {
    throw invalid('limit', 'Must be greater than or equal to 1 and less than or equal to 100.');
  }
  return Number(raw);
}

export function parseOrder(q: Query, allowed: string[], dflt: string): string {
  const raw = one(q, 'order_by');
  if (raw === undefined) return dflt;
  if (!allowed.includes(raw)) throw invalid('order_by', `Must be one of: ${allowed.join(', ')}.`);
  return raw;
}

export function parseCursor(q: Query): string | null {
  const raw = one(q, 'cursor');
  if (raw === undefined) return null;
  if (raw === '') throw new ApiError(400, 'Invalid cursor.', { cursor: ['Invalid cursor.'] });
  return raw;
}

export function parseIntValue(raw: string, name: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) throw invalid(name, 'Not a valid integer.');
  return Number(raw);
}

export function parseIntParam(q: Query, name: string): number | undefined {
  const raw = one(q, name);
  return raw === undefined ? undefined : parseIntValue(raw, name);
}

export function parseDatetime(q: Query, name: string): number | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  // Naive datetimes are UTC on Gorgias' side.
  const s = /[zZ]|[+-]\d\d:?\d\d$/.test(raw) || !/T|\s\d/.test(raw) ? raw : `${raw}Z`;
  const ms = Date.parse(s.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw invalid(name, 'Not a valid datetime.');
  return ms;
}

export function parseBool(q: Query, name: string): boolean | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  if (/^(true|1)$/i.test(raw)) return true;
  if (/^(false|0)$/i.test(raw)) return false;
  throw invalid(name, 'Not a valid boolean.');
}
