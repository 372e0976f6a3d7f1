/**
 * Gorgias REST API simulator: a real HTTP server (node `http` only) serving `/{subdomain}/api/...` the way
 * `https://{subdomain}.gorgias.com/api/...` answers, plus unauthenticated `/__control/...` endpoints for tests.
 * See docs/gorgias-api.md for what is confirmed about the real API and what is assumed.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Account, AddAccountOptions, ApiError, PageResult, Scope, SimAccount } from './account';
import { RateLimitConfig } from './rate-limiter';

export interface SimulatorOptions {
  /** 0 = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Simulated time runs this much faster than real time (default 1): 20 means the 20 s window lasts 1 s. */
  clockScale?: number;
  /** Default { limit: 40, windowSeconds: 20 } (API-key integrations); false disables the limit. */
  rateLimit?: { limit: number; windowSeconds: number } | false;
}

export interface GorgiasSimulator {
  port: number;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** http://127.0.0.1:PORT/{subdomain} (literal "{subdomain}") */
  baseUrlTemplate: string;
  addAccount(o: AddAccountOptions): SimAccount;
  /** Throws if unknown. */
  account(subdomain: string): SimAccount;
  /** Closes the server and every open (keep-alive) connection. */
  close(): Promise<void>;
}

const LIMIT_HEADER = 'X-Gorgias-Account-Api-Call-Limit';

const NOT_FOUND_HTML =
  '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Page not found</title></head>\n' +
  '<body><h1>404</h1><p>The page you are looking for does not exist. Check the address of your helpdesk.</p></body>\n</html>\n';

type Query = URLSearchParams;

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const errorBody = (msg: string, data?: unknown) => ({ error: data === undefined ? { msg } : { msg, data } });

// ------------------------------------------------------------------------------------------- query parsing

function checkParams(q: Query, allowed: string[]): void {
  const unknown: Record<string, string[]> = {};
  for (const k of new Set(q.keys())) if (!allowed.includes(k)) unknown[k] = ['Unknown field.'];
  if (Object.keys(unknown).length) throw new ApiError(400, 'Invalid query parameters.', unknown);
}

function one(q: Query, name: string): string | undefined {
  const all = q.getAll(name);
  if (all.length > 1) throw new ApiError(400, 'Invalid query parameters.', { [name]: ['Only one value is accepted.'] });
  return all[0];
}

function parseLimit(q: Query): number {
  const raw = one(q, 'limit');
  if (raw === undefined) return 30;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) {
    throw new ApiError(400, 'Invalid query parameters.', { limit: ['Must be greater than or equal to 1 and less than or equal to 100.'] });
  }
  return Number(raw);
}

function parseOrder(q: Query, allowed: string[], dflt: string): string {
  const raw = one(q, 'order_by');
  if (raw === undefined) return dflt;
  if (!allowed.includes(raw)) throw new ApiError(400, 'Invalid query parameters.', { order_by: [`Must be one of: ${allowed.join(', ')}.`] });
  return raw;
}

function parseCursor(q: Query): string | null {
  const raw = one(q, 'cursor');
  if (raw === undefined) return null;
  if (raw === '') throw new ApiError(400, 'Invalid cursor.', { cursor: ['Invalid cursor.'] });
  return raw;
}

function parseIntParam(q: Query, name: string): number | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || !Number.isSafeInteger(Number(raw))) {
    throw new ApiError(400, 'Invalid query parameters.', { [name]: ['Not a valid integer.'] });
  }
  return Number(raw);
}

function parseDatetime(q: Query, name: string): number | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  // Naive datetimes are UTC on Gorgias' side.
  const s = /[zZ]|[+-]\d\d:?\d\d$/.test(raw) || !/T|\s\d/.test(raw) ? raw : `${raw}Z`;
  const ms = Date.parse(s.replace(' ', 'T'));
  if (!Number.isFinite(ms)) throw new ApiError(400, 'Invalid query parameters.', { [name]: ['Not a valid datetime.'] });
  return ms;
}

function parseBool(q: Query, name: string): boolean | undefined {
  const raw = one(q, name);
  if (raw === undefined) return undefined;
  if (/^(true|1)$/i.test(raw)) return true;
  if (/^(false|0)$/i.test(raw)) return false;
  throw new ApiError(400, 'Invalid query parameters.', { [name]: ['Not a valid boolean.'] });
}

const CREATED_ORDERS = ['created_datetime:asc', 'created_datetime:desc'];
const TICKET_ORDERS = [...CREATED_ORDERS, 'updated_datetime:asc', 'updated_datetime:desc'];
const LIST_PARAMS = ['limit', 'cursor', 'order_by'];

function listBody<T>(page: PageResult<T>, uri: string) {
  return { data: page.data, meta: { next_cursor: page.next_cursor, prev_cursor: page.prev_cursor }, object: 'list', uri };
}

// ------------------------------------------------------------------------------------------- API routes

interface Route {
  key: string;
  scope: Scope;
  handle(acct: Account, q: Query, params: string[], uri: string): unknown;
}

function matchApiRoute(method: string, path: string): { route: Route | null; params: string[]; routeKey: string; knownPath: boolean } {
  const defs: [RegExp, string, Route][] = [
    [/^\/api\/account$/, 'account', { key: 'account', scope: 'account:read', handle: (a, q) => (checkParams(q, []), a.accountObject()) }],
    [
      /^\/api\/tickets$/,
      'tickets',
      {
        key: 'tickets',
        scope: 'tickets:read',
        handle: (a, q, _p, uri) => {
          checkParams(q, [...LIST_PARAMS, 'customer_id', 'external_id', 'trashed', 'ticket_ids', 'view_id', 'rule_id']);
          const ids = q.getAll('ticket_ids').flatMap((s) => s.split(','));
          if (ids.some((s) => !/^\d+$/.test(s))) throw new ApiError(400, 'Invalid query parameters.', { ticket_ids: ['Not a valid integer.'] });
          const order = parseOrder(q, TICKET_ORDERS, 'created_datetime:desc');
          const page = a.listTickets({
            order,
            limit: parseLimit(q),
            cursor: parseCursor(q),
            customerId: parseIntParam(q, 'customer_id'),
            externalId: one(q, 'external_id'),
            trashed: parseBool(q, 'trashed'),
            ticketIds: ids.length ? ids.map(Number) : undefined,
          });
          parseIntParam(q, 'view_id');
          parseIntParam(q, 'rule_id');
          return listBody(page, uri);
        },
      },
    ],
    [/^\/api\/tickets\/(\d+)$/, 'tickets/{id}', { key: 'tickets/{id}', scope: 'tickets:read', handle: (a, q, p) => (checkParams(q, []), a.getTicket(Number(p[0]))) }],
    [
      /^\/api\/tickets\/(\d+)\/messages$/,
      'tickets/{id}/messages',
      {
        key: 'tickets/{id}/messages',
        scope: 'messages:read',
        handle: (a, q, p, uri) => {
          checkParams(q, LIST_PARAMS);
          // Deprecated endpoint; documented as listing a ticket's messages oldest first.
          const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:asc');
          return listBody(a.listMessages({ order, limit: parseLimit(q), cursor: parseCursor(q), ticketId: Number(p[0]), requireTicket: true }), uri);
        },
      },
    ],
    [
      /^\/api\/messages$/,
      'messages',
      {
        key: 'messages',
        scope: 'messages:read',
        handle: (a, q, _p, uri) => {
          checkParams(q, [...LIST_PARAMS, 'ticket_id']);
          const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:desc');
          return listBody(a.listMessages({ order, limit: parseLimit(q), cursor: parseCursor(q), ticketId: parseIntParam(q, 'ticket_id') }), uri);
        },
      },
    ],
    [
      /^\/api\/customers$/,
      'customers',
      {
        key: 'customers',
        scope: 'tickets:read',
        handle: (a, q, _p, uri) => {
          checkParams(q, [...LIST_PARAMS, 'email']);
          const order = parseOrder(q, [...CREATED_ORDERS, 'updated_datetime:asc', 'updated_datetime:desc'], 'created_datetime:desc');
          return listBody(a.listCustomers({ order, limit: parseLimit(q), cursor: parseCursor(q), email: one(q, 'email') }), uri);
        },
      },
    ],
    [
      /^\/api\/events$/,
      'events',
      {
        key: 'events',
        scope: 'events:read',
        handle: (a, q, _p, uri) => {
          checkParams(q, !a.eventFilters ? [...LIST_PARAMS] : [
            ...LIST_PARAMS,
            'types',
            'object_type',
            'object_id',
            'user_ids',
            'created_datetime[gte]',
            'created_datetime[gt]',
            'created_datetime[lte]',
            'created_datetime[lt]',
          ]);
          const types = q
            .getAll('types')
            .flatMap((s) => s.split(','))
            .map((s) => s.trim())
            .filter(Boolean);
          const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:desc');
          return listBody(
            a.listEvents({
              order,
              limit: parseLimit(q),
              cursor: parseCursor(q),
              types: types.length ? types : undefined,
              objectType: one(q, 'object_type'),
              objectId: parseIntParam(q, 'object_id'),
              gte: parseDatetime(q, 'created_datetime[gte]'),
              gt: parseDatetime(q, 'created_datetime[gt]'),
              lte: parseDatetime(q, 'created_datetime[lte]'),
              lt: parseDatetime(q, 'created_datetime[lt]'),
            }),
            uri,
          );
        },
      },
    ],
  ];
  for (const [re, key, route] of defs) {
    const m = re.exec(path);
    if (m) {
      return method === 'GET'
        ? { route, params: m.slice(1), routeKey: `GET /api/${key}`, knownPath: true }
        : { route: null, params: [], routeKey: `${method} /api/${key}`, knownPath: true };
    }
  }
  return { route: null, params: [], routeKey: `${method} (unknown)`, knownPath: false };
}

// ------------------------------------------------------------------------------------------- the server

export async function startGorgiasSimulator(opts: SimulatorOptions = {}): Promise<GorgiasSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const clockScale = opts.clockScale ?? 1;
  if (!(clockScale > 0)) throw new Error('clockScale must be > 0');
  const rateLimit: RateLimitConfig | false = opts.rateLimit === false ? false : opts.rateLimit ?? { limit: 40, windowSeconds: 20 };
  const accounts = new Map<string, Account>();
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let closing = false;

  const addAccount = (o: AddAccountOptions): Account => {
    if (accounts.has(o.subdomain)) throw new Error(`Account ${o.subdomain} already exists`);
    const a = new Account(o, { rateLimit, clockScale });
    accounts.set(o.subdomain, a);
    return a;
  };
  const account = (sub: string): Account => {
    const a = accounts.get(sub);
    if (!a) throw new Error(`Unknown simulated account: ${sub}`);
    return a;
  };

  const send = (res: http.ServerResponse, r: Reply, truncate = false) => {
    if (res.destroyed || res.writableEnded) return;
    const isHtml = typeof r.body === 'string';
    const buf = Buffer.from(isHtml ? (r.body as string) : JSON.stringify(r.body), 'utf8');
    res.writeHead(r.status, {
      'Content-Type': isHtml ? 'text/html; charset=utf-8' : 'application/json',
      'Content-Length': String(buf.length),
      ...(r.headers ?? {}),
    });
    if (truncate) {
      res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
      return;
    }
    res.end(buf);
  };

  const readBody = (req: http.IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      req.on('error', reject);
    });

  const later = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });

  // ---------------------------------------------------------------- control endpoints
  const handleControl = async (method: string, parts: string[], body: string, q: Query): Promise<Reply> => {
    let json: any = {};
    if (body.trim()) {
      try {
        json = JSON.parse(body);
      } catch {
        return { status: 400, body: errorBody('Body is not valid JSON') };
      }
    }
    try {
      if (parts[0] === 'accounts' && parts.length === 1 && method === 'POST') {
        const a = addAccount(json);
        return { status: 201, body: { subdomain: a.subdomain, tickets: a.snapshot().tickets.length } };
      }
      const a = accounts.get(parts[0] ?? '');
      if (!a) return { status: 404, body: errorBody(`Unknown account ${parts[0]}`) };
      const rest = parts.slice(1);
      const path = rest.join('/');
      const id = Number(rest[1]);
      if (method === 'GET' && path === 'stats') return { status: 200, body: a.stats() };
      if (method === 'GET' && path === 'snapshot') return { status: 200, body: a.snapshot() };
      if (method === 'POST' && path === 'faults') return (a.setFaults(json), { status: 200, body: a.faults.active });
      if (method === 'POST' && path === 'keys') return (a.addKey(json), { status: 200, body: { ok: true } });
      if (method === 'POST' && rest[0] === 'keys' && rest[2] === 'revoke' && rest.length === 3) {
        return (a.revokeKey(decodeURIComponent(rest[1])), { status: 200, body: { ok: true } });
      }
      if (method === 'POST' && path === 'tickets') return { status: 201, body: a.createTicket(json) };
      if (rest[0] === 'tickets' && Number.isInteger(id)) {
        if (method === 'POST' && rest[2] === 'messages' && rest.length === 3) return { status: 201, body: a.addMessage(id, json) };
        if (method === 'POST' && rest[2] === 'trash' && rest.length === 3) return { status: 200, body: a.trashTicket(id) };
        if (method === 'PATCH' && rest.length === 2) return { status: 200, body: a.updateTicket(id, json) };
        if (method === 'DELETE' && rest.length === 2) {
          a.deleteTicket(id, { recordEvent: q.get('recordEvent') !== 'false' && json.recordEvent !== false });
          return { status: 200, body: { ok: true } };
        }
      }
      return { status: 404, body: errorBody('Unknown control route') };
    } catch (e) {
      if (e instanceof ApiError) return { status: e.status, body: errorBody(e.message) };
      return { status: 400, body: errorBody(String(e?.message ?? e)) };
    }
  };

  // ---------------------------------------------------------------- API
  const handleApi = async (req: http.IncomingMessage, res: http.ServerResponse, acct: Account, path: string, url: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const { route, params, routeKey, knownPath } = matchApiRoute(method, path);
    acct.countRequest(routeKey);
    await readBody(req).catch(() => '');

    const decision = acct.bucket.take();
    const limitHeader = { [LIMIT_HEADER]: `${decision.used}/${decision.limit}` };
    if (!decision.allowed) {
      acct.countRateLimited();
      send(res, {
        status: 429,
        body: errorBody('Too many requests. Please retry later.'),
        headers: { ...limitHeader, 'Retry-After': String(decision.retryAfterSeconds) },
      });
      return;
    }

    const fault = acct.faults.decide();
    if (fault.delayMs > 0) await later(fault.delayMs);
    if (closing || res.destroyed) return;
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
      const auth = req.headers.authorization ?? '';
      const m = /^Basic\s+(\S+)$/i.exec(auth);
      let scopes: Set<Scope> | null = null;
      if (m) {
        const decoded = Buffer.from(m[1], 'base64').toString('utf8');
        const sep = decoded.indexOf(':');
        if (sep > 0) scopes = acct.authenticate(decoded.slice(0, sep), decoded.slice(sep + 1));
      }
      if (!scopes) return { status: 401, body: errorBody('Unauthorized. Please check your email and API key.') };
      if (acct.status === 'inactive' && route.key !== 'account') {
        return { status: 403, body: errorBody('Account is inactive. This helpdesk account has been deactivated.') };
      }
      if (!scopes.has(route.scope)) {
        return { status: 403, body: errorBody(`Forbidden. This API key is missing the ${route.scope} permission.`) };
      }
      try {
        const uri = `/api/${path.slice(5)}/${url.search}`;
        return { status: 200, body: route.handle(acct, url.searchParams, params, uri) };
      } catch (e) {
        if (e instanceof ApiError) return { status: e.status, body: errorBody(e.message, e.data) };
        return { status: 500, body: errorBody('Internal Server Error') };
      }
    })();
    send(res, { ...reply, headers: { ...limitHeader, ...(reply.headers ?? {}) } }, truncate);
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://simulator.local');
      const raw = url.pathname.replace(/\/+$/, '') || '/';
      const parts = raw.split('/').filter(Boolean).map(decodeURIComponent);
      const method = req.method ?? 'GET';
      if (parts[0] === '__control') {
        const body = await readBody(req);
        send(res, await handleControl(method, parts.slice(1), body, url.searchParams));
        return;
      }
      const acct = parts[0] ? accounts.get(parts[0]) : undefined;
      if (!acct) {
        await readBody(req).catch(() => '');
        send(res, { status: 404, body: NOT_FOUND_HTML });
        return;
      }
      await handleApi(req, res, acct, '/' + parts.slice(1).join('/'), url);
    })().catch((e) => {
      if (!res.headersSent && !res.destroyed) send(res, { status: 500, body: errorBody(String(e?.message ?? e)) });
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const baseUrl = `http://${urlHost}:${port}`;

  return {
    port,
    baseUrl,
    baseUrlTemplate: `${baseUrl}/{subdomain}`,
    addAccount,
    account,
    close: () =>
      new Promise<void>((resolve) => {
        closing = true;
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}
