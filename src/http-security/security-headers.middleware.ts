import helmet from 'helmet';
import type { Middleware } from './middleware';

/**
 * helmet's headers everywhere. The console gets a strict Content-Security-Policy: only its own
 * scripts, styles and API (HTTP and WebSocket on the same origin), no inline code, no framing.
 * GET /graphql may answer with Apollo's landing page, which sends its own CSP (nonces and Apollo's
 * CDN) in a <meta> tag; a second, stricter header would block it, so that path gets no CSP header
 * (its JSON answers run no code anyway).
 */
export function securityHeadersMiddleware(): Middleware {
  const common = {
    strictTransportSecurity: { maxAge: 15552000, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' as const },
  };
  const strict = helmet({
    ...common,
    contentSecurityPolicy: {
      // No defaults: they add upgrade-insecure-requests, which breaks the console on http://localhost.
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"], // CSP 3: 'self' also covers ws:// and wss:// to this host
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  const graphql = helmet({ ...common, contentSecurityPolicy: false });
  // originalUrl: Nest mounts middleware on a path, which makes req.url relative to it.
  return (req, res, next) => ((req.originalUrl ?? req.url ?? '').split('?')[0] === '/graphql' ? graphql : strict)(req, res, next);
}
