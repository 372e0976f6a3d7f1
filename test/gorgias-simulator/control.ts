/**
 * The unauthenticated control API (`/__control/...`): tests, benchmarks and the CLI drive an account over
 * HTTP with the same methods `SimAccount` offers in process.
 */
import type { Account, AddAccountOptions } from './account';
import { ApiError, errorBody } from './api-error';
import type { Reply } from './http-io';
import type { Query } from './query-params';
import { coverageControl } from './control-coverage';

export interface ControlDeps {
  addAccount(o: AddAccountOptions): Account;
  findAccount(subdomain: string): Account | undefined;
}

export function handleControl(deps: ControlDeps, method: string, parts: string[], body: string, q: Query): Reply {
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
      const a = deps.addAccount(json);
      return { status: 201, body: { subdomain: a.subdomain, tickets: a.snapshot().tickets.length } };
    }
    const a = deps.findAccount(parts[0] ?? '');
    if (!a) return { status: 404, body: errorBody(`Unknown account ${parts[0]}`) };
    return accountControl(a, method, parts.slice(1), json, q) ?? { status: 404, body: errorBody('Unknown control route') };
  } catch (e) {
    if (e instanceof ApiError) return { status: e.status, body: errorBody(e.message) };
    return { status: 400, body: errorBody(String((e as Error)?.message ?? e)) };
  }
}

function accountControl(a: Account, method: string, rest: string[], json: any, q: Query): Reply | null {
  const path = rest.join('/');
  const id = Number(rest[1]);
  const ok = { status: 200, body: { ok: true } };
  if (method === 'GET' && path === 'stats') return { status: 200, body: a.stats() };
  if (method === 'GET' && path === 'snapshot') return { status: 200, body: a.snapshot() };
  if (method === 'POST' && path === 'faults') return (a.setFaults(json), { status: 200, body: a.faults.active });
  if (method === 'POST' && path === 'keys') return (a.addKey(json), ok);
  if (method === 'POST' && rest[0] === 'keys' && rest[2] === 'revoke' && rest.length === 3)
    return (a.revokeKey(decodeURIComponent(rest[1])), ok);
  if (method === 'POST' && path === 'behaviour') return { status: 200, body: a.setBehaviour(json) };
  if (method === 'GET' && path === 'behaviour') return { status: 200, body: a.behaviour() };
  if (method === 'POST' && path === 'webhooks') return { status: 200, body: a.setWebhookDelivery(json) };
  if (method === 'GET' && path === 'webhooks') {
    return { status: 200, body: { integrations: a.integrations(), deliveries: a.webhookDeliveries(), stats: a.webhooks.stats() } };
  }
  if (method === 'POST' && path === 'tickets') return { status: 201, body: a.createTicket(json) };
  const coverage = coverageControl(a, method, rest, json);
  if (coverage) return coverage;
  if (rest[0] === 'tickets' && Number.isInteger(id)) {
    if (method === 'POST' && rest[2] === 'messages' && rest.length === 3) return { status: 201, body: a.addMessage(id, json) };
    if (method === 'POST' && rest[2] === 'trash' && rest.length === 3) return { status: 200, body: a.trashTicket(id) };
    if (method === 'POST' && rest[2] === 'restore' && rest.length === 3) return { status: 200, body: a.restoreTicket(id) };
    if (method === 'POST' && rest[2] === 'merge' && rest.length === 3) return { status: 200, body: a.mergeTickets(id, Number(json.into)) };
    const messageId = Number(rest[3]);
    if (rest[2] === 'messages' && rest.length === 4 && Number.isInteger(messageId)) {
      if (method === 'PATCH') return { status: 200, body: a.updateMessage(id, messageId, json) };
      if (method === 'DELETE') return (a.deleteMessage(id, messageId), ok);
    }
    if (method === 'PATCH' && rest.length === 2) return { status: 200, body: a.updateTicket(id, json) };
    if (method === 'DELETE' && rest.length === 2) {
      a.deleteTicket(id, { recordEvent: q.get('recordEvent') !== 'false' && json.recordEvent !== false });
      return ok;
    }
  }
  return null;
}
