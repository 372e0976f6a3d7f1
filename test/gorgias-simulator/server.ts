/**
 * Gorgias REST API simulator: a real HTTP server (node `http` only) serving `/{subdomain}/api/...` the way
 * `https://{subdomain}.gorgias.com/api/...` answers, plus unauthenticated `/__control/...` endpoints for tests.
 * See docs/gorgias-api.md for what is confirmed about the real API and what is assumed.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { Account, AddAccountOptions, SimAccount } from './account';
import { handleApi } from './api-handler';
import { errorBody } from './api-error';
import { handleControl } from './control';
import { readBody, send } from './http-io';
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

const NOT_FOUND_HTML =
  '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Page not found</title></head>\n' +
  '<body><h1>404</h1><p>The page you are looking for does not exist. Check the address of your helpdesk.</p></body>\n</html>\n';

export async function startGorgiasSimulator(opts: SimulatorOptions = {}): Promise<GorgiasSimulator> {
  const host = opts.host ?? '127.0.0.1';
  const clockScale = opts.clockScale ?? 1;
  if (!(clockScale > 0)) throw new Error('clockScale must be > 0');
  const rateLimit: RateLimitConfig | false = opts.rateLimit === false ? false : (opts.rateLimit ?? { limit: 40, windowSeconds: 20 });
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
  const later = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        resolve();
      }, ms);
      timers.add(t);
    });
  const apiDeps = { later, isClosing: () => closing };
  const controlDeps = { addAccount, findAccount: (sub: string) => accounts.get(sub) };

  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://simulator.local');
      const raw = url.pathname.replace(/\/+$/, '') || '/';
      const parts = raw.split('/').filter(Boolean).map(decodeURIComponent);
      const method = req.method ?? 'GET';
      if (parts[0] === '__control') {
        const body = await readBody(req);
        send(res, handleControl(controlDeps, method, parts.slice(1), body, url.searchParams));
        return;
      }
      const acct = parts[0] ? accounts.get(parts[0]) : undefined;
      if (!acct) {
        await readBody(req).catch(() => '');
        send(res, { status: 404, body: NOT_FOUND_HTML });
        return;
      }
      await handleApi(apiDeps, req, res, acct, '/' + parts.slice(1).join('/'), url);
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
        for (const a of accounts.values()) a.close();
        for (const t of timers) clearTimeout(t);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
        for (const s of sockets) s.destroy();
      }),
  };
}
