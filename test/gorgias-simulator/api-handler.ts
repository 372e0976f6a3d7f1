/**
 * Serves one `/{subdomain}/api/...` request in the order the real API is assumed to check things:
 * rate limit, faults, route (404/405), auth (401), inactive account (403), scope (403), then the route.
 */
import type * as http from 'node:http';
import type { Account } from './account';
import { ApiError, errorBody } from './api-error';
import { readBody, Reply, send } from './http-io';
import type { KeyGrant } from './keys';
import { matchApiRoute } from './routes';

export const LIMIT_HEADER = 'X-Gorgias-Account-Api-Call-Limit';

/** The 429 body is not documented: by default the simulator answers a page, not JSON (behaviour.rateLimitBody). */
const TOO_MANY_HTML =
  '<!DOCTYPE html>\n<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1></body></html>\n';

export interface ApiHandlerDeps {
  /** Resolves after `ms` unless the simulator closes first. */
  later(ms: number): Promise<void>;
  isClosing(): boolean;
}

function authenticate(req: http.IncomingMessage, acct: Account): KeyGrant | null {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  return sep > 0 ? acct.authenticate(decoded.slice(0, sep), decoded.slice(sep + 1)) : null;
}

function parseJsonBody(raw: string): unknown {
  if (!raw.trim()) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new ApiError(400, 'Invalid JSON body.');
  }
}

export async function handleApi(
  deps: ApiHandlerDeps,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  acct: Account,
  path: string,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  const { route, params, routeKey, knownPath } = matchApiRoute(method, path);
  acct.countRequest(routeKey);
  const rawBody = await readBody(req).catch(() => '');

  const decision = acct.bucket.take();
  const limitHeader = { [LIMIT_HEADER]: `${decision.used}/${decision.limit}` };
  if (!decision.allowed) {
    acct.countRateLimited();
    const shape = acct.behaviour().rateLimitBody;
    send(res, {
      status: 429,
      body: shape === 'json' ? errorBody('Too many requests. Please retry later.') : shape === 'html' ? TOO_MANY_HTML : undefined,
      headers: { ...limitHeader, 'Retry-After': String(decision.retryAfterSeconds) },
    });
    return;
  }

  const fault = acct.faults.decide();
  if (fault.delayMs > 0) await deps.later(fault.delayMs);
  if (deps.isClosing() || res.destroyed) return;
  if (fault.kind === 'cut') {
    acct.countFault();
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'error') {
    acct.countFault();
    const msg = fault.status === 502 ? 'Bad Gateway' : fault.status === 503 ? 'Service Unavailable' : 'Internal Server Error';
    send(res, { status: fault.status ?? 500, body: errorBody(msg), headers: limitHeader });
    return;
  }
  if (fault.kind === 'truncate') acct.countFault();
  const truncate = fault.kind === 'truncate';

  const reply = ((): Reply => {
    if (!path.startsWith('/api/') || !knownPath) return { status: 404, body: errorBody('Not found.') };
    if (!route) return { status: 405, body: errorBody('Method not allowed.') };
    const grant = authenticate(req, acct);
    if (!grant) return { status: 401, body: errorBody('Unauthorized. Please check your email and API key.') };
    if (acct.status === 'inactive' && route.key !== 'account') {
      return { status: 403, body: errorBody('Account is inactive. This helpdesk account has been deactivated.') };
    }
    if (!grant.scopes.has(route.scope) || grant.denied.has(route.resource)) {
      return { status: 403, body: errorBody(`Forbidden. This API key is missing the ${route.scope} permission.`) };
    }
    if (route.adminOnly && !grant.admin) {
      return { status: 403, body: errorBody('Forbidden. Only admins can manage integrations.') };
    }
    try {
      const uri = `/api/${path.slice(5)}/${url.search}`;
      const body = route.handle({ acct, q: url.searchParams, params, uri, body: method === 'GET' ? undefined : parseJsonBody(rawBody) });
      return { status: route.status ?? 200, body };
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: errorBody(e.message, e.data) };
      return { status: 500, body: errorBody('Internal Server Error') };
    }
  })();
  send(res, { ...reply, headers: { ...limitHeader, ...(reply.headers ?? {}) } }, truncate);
}
