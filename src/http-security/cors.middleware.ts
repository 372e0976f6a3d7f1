import cors from 'cors';
import type { Middleware } from './middleware';
import { OriginPolicy } from './origin-policy';

/** Browsers may cache a preflight this long (Chromium caps it at 2 hours). */
export const PREFLIGHT_MAX_AGE_SECONDS = 7200;

/**
 * CORS for browser clients on other origins (the Admin Portal). An origin the policy refuses gets
 * no CORS headers at all, so the browser blocks the response. Tokens travel in the Authorization
 * header, never in cookies: no credentials mode.
 */
export function corsMiddleware(policy: OriginPolicy): Middleware {
  return cors((req, callback) => {
    const allowed = policy.allows(req.headers.origin, req.socket.localPort);
    callback(null, {
      origin: allowed ? (req.headers.origin ?? false) : false,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name'],
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
      credentials: false,
    });
  });
}
