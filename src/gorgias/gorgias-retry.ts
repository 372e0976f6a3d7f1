import { DEFAULT_RETRY_AFTER_MS, RETRY_BASE_MS, RETRY_CAP_MS } from './gorgias.constants';

/** `Retry-After` is seconds or an HTTP date. */
export function retryAfterMs(value: string | undefined): number {
  if (!value) return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.max(100, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? DEFAULT_RETRY_AFTER_MS : Math.max(100, date - Date.now());
}

/** Capped exponential backoff with full jitter. */
export function backoff(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(RETRY_CAP_MS, RETRY_BASE_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Network failures worth another try: the request may not have reached Gorgias, or its answer was lost. */
export const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ERR_BAD_RESPONSE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);
