import { createHash, timingSafeEqual } from 'node:crypto';

/** Whether an Authorization header carries the metrics token (compared in constant time). */
export function bearerMatches(header: string | string[] | undefined, token: string): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  if (!match) return false;
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(match[1]), digest(token));
}

export const METRICS_CHALLENGE = 'Bearer realm="metrics"';
