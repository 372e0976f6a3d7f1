/**
 * The simulator's HTTP integrations (Gorgias webhooks): registration over the REST API, admin-only access,
 * delivery of the rendered form with the integration's headers, retries, disabling after 100 consecutive
 * failures, and the control knobs (delay, drop, duplicate). A local receiver plays the connector.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GorgiasSimulator, SimAccount, startGorgiasSimulator } from '../../gorgias-simulator';

const EMAIL = 'admin@acme.test';
const KEY = 'sim-hook-key';
const auth = (key = KEY) => ({ authorization: 'Basic ' + Buffer.from(`${EMAIL}:${key}`).toString('base64') });

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver whose answers follow a script: a status per request (cycling on the last), or 'hang'. */
async function startReceiver() {
  const received: Received[] = [];
  let script: (number | 'hang')[] = [200];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const step = script.length > 1 ? script.shift()! : script[0];
      if (step === 'hang') return; // never answers: the simulator times out
      res.writeHead(step, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    answer: (...s: (number | 'hang')[]) => (script = s),
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

describe('Gorgias simulator: HTTP integrations (webhooks)', () => {
  let sim: GorgiasSimulator;
  let rx: Awaited<ReturnType<typeof startReceiver>>;
  let n = 0;

  const api = async (sub: string, method: string, path: string, body?: unknown, key = KEY) => {
    const r = await fetch(`${sim.baseUrl}/${sub}/api/${path}`, {
      method,
      headers: { ...auth(key), 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
  const integration = (
    triggers: Record<string, boolean>,
    form: Record<string, unknown> = { ticket_id: '{{ticket.id}}' },
    extra: Record<string, unknown> = {},
  ) => ({
    type: 'http',
    name: 'cxconnect.ai Sync',
    http: {
      url: `${rx.url}/webhooks/gorgias/c1`,
      method: 'POST',
      request_content_type: 'application/json',
      headers: { Authorization: 'Bearer s3cret' },
      form,
      triggers,
      ...extra,
    },
  });
  /** A fresh account per test, with one integration registered through the API. */
  const setup = async (
    triggers: Record<string, boolean>,
    form?: Record<string, unknown>,
  ): Promise<{ acct: SimAccount; sub: string; id: number }> => {
    const sub = `hooks${++n}`;
    const acct = sim.addAccount({ subdomain: sub, email: EMAIL, apiKey: KEY, seed: n, tickets: 3 });
    const created = await api(sub, 'POST', 'integrations', integration(triggers, form));
    expect(created.status).toBe(201);
    return { acct, sub, id: created.body.id };
  };

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
    rx = await startReceiver();
  });
  beforeEach(() => {
    rx.received.length = 0;
    rx.answer(200);
  });
  afterAll(async () => {
    await sim?.close();
    await rx?.close();
  });

  it('registers, lists, reads and deletes an HTTP integration; refuses bad bodies naming the field', async () => {
    const { sub, id } = await setup({ 'ticket-created': true, ticket_updated: true, 'ticket-message-created': true });
    const one = await api(sub, 'GET', `integrations/${id}`);
    expect(one.body).toMatchObject({ id, type: 'http', name: 'cxconnect.ai Sync', deactivated_datetime: null });
    // the reference's example spells triggers with underscores: both spellings mean the same trigger
    expect(one.body.http.triggers).toEqual({ 'ticket-created': true, 'ticket-updated': true, 'ticket-message-created': true });
    const list = await api(sub, 'GET', 'integrations');
    expect(list.body).toMatchObject({ object: 'list', data: [expect.objectContaining({ id })] });

    const bad = await api(sub, 'POST', 'integrations', {
      type: 'http',
      name: '',
      http: { url: 'not a url', method: 'FETCH', triggers: { 'ticket-exploded': true } },
    });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.data).sort()).toEqual(['http.method', 'http.triggers.ticket-exploded', 'http.url', 'name']);
    expect((await api(sub, 'POST', 'integrations', { ...integration({}), type: 'shopify' })).body.error.data.type).toBeDefined();

    expect((await api(sub, 'DELETE', `integrations/${id}`)).status).toBe(204);
    expect((await api(sub, 'GET', `integrations/${id}`)).status).toBe(404);
    expect((await api(sub, 'DELETE', `integrations/${id}`)).status).toBe(404);
  });

  it('is admin-only: a non-admin key and a key without integrations:write get 403', async () => {
    const { acct, sub } = await setup({ 'ticket-created': true });
    acct.addKey({ apiKey: 'agent-key', email: EMAIL, admin: false });
    acct.addKey({ apiKey: 'read-only-key', email: EMAIL, scopes: ['account:read', 'tickets:read', 'integrations:read'] });
    for (const key of ['agent-key', 'read-only-key']) {
      const r = await api(sub, 'POST', 'integrations', integration({ 'ticket-created': true }), key);
      expect([key, r.status]).toEqual([key, 403]);
      expect(r.body.error.msg).toEqual(expect.any(String));
    }
    expect((await api(sub, 'GET', 'integrations', undefined, 'agent-key')).status).toBe(403);
    expect((await api(sub, 'GET', 'integrations', undefined, 'read-only-key')).status).toBe(200);
    expect(acct.integrations()).toHaveLength(1);
  });

  it('POSTs the rendered form as JSON with the integration headers on ticket create, update and message create', async () => {
    const form = {
      ticket_id: '{{ticket.id}}',
      text: 'Ticket {{ticket.id}}: {{ticket.subject}} / {{message.id}}',
      customer: '{{ticket.customer}}',
      nested: { status: '{{ticket.status}}' },
    };
    const { acct } = await setup({ 'ticket-created': true, 'ticket-updated': true, 'ticket-message-created': true }, form);
    const t = acct.createTicket({ subject: "It's late" });
    acct.updateTicket(t.id, { status: 'closed' });
    const m = acct.addMessage(t.id, { body_text: 'hello' });
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(3);
    for (const r of rx.received) {
      expect(r).toMatchObject({ method: 'POST', url: '/webhooks/gorgias/c1' });
      expect(r.headers.authorization).toBe('Bearer s3cret');
      expect(r.headers['content-type']).toBe('application/json');
    }
    const bodies = rx.received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.ticket_id)).toEqual([String(t.id), String(t.id), String(t.id)]);
    expect(bodies[0].text).toBe(`Ticket ${t.id}: It's late / `);
    expect(bodies[2].text).toBe(`Ticket ${t.id}: It's late / ${m.id}`);
    expect(bodies[1].nested).toEqual({ status: 'closed' });
    // an object renders as Python's repr, as Gorgias' templates do
    expect(bodies[0].customer).toMatch(/^\{'id': \d+, 'email': '[^']+', /);
    expect(acct.webhookDeliveries().map((d) => [d.trigger, d.outcome, d.attempts])).toEqual([
      ['ticket-created', 'delivered', 1],
      ['ticket-updated', 'delivered', 1],
      ['ticket-message-created', 'delivered', 1],
    ]);
  });

  it('only matching triggers fire; trash, delete and deleted integrations send nothing', async () => {
    const { acct, sub, id } = await setup({ 'ticket-message-created': true });
    const t = acct.createTicket();
    acct.updateTicket(t.id, { priority: 'high' });
    acct.trashTicket(t.id);
    acct.deleteTicket(acct.snapshot().tickets[1].id);
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(0);
    acct.addMessage(acct.snapshot().tickets[2].id);
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(1);
    await api(sub, 'DELETE', `integrations/${id}`);
    acct.addMessage(acct.snapshot().tickets[2].id);
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(1);
  });

  it('waits the configured delay before delivering', async () => {
    const { acct } = await setup({ 'ticket-created': true });
    acct.setWebhookDelivery({ delayMs: 400 });
    acct.createTicket();
    await new Promise((r) => setTimeout(r, 50));
    expect(rx.received).toHaveLength(0);
    expect(acct.webhookDeliveries()[0].outcome).toBe('pending');
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(1);
  });

  it('retries timeouts and 5xx, not 4xx', async () => {
    const { acct } = await setup({ 'ticket-created': true });
    acct.setWebhookDelivery({ retryDelayMs: 10, timeoutMs: 150, maxAttempts: 3 });
    rx.answer(503, 'hang', 200);
    acct.createTicket();
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(3);
    expect(acct.webhookDeliveries()[0]).toMatchObject({ outcome: 'delivered', attempts: 3, lastStatus: 200 });

    rx.received.length = 0;
    rx.answer(500);
    acct.createTicket();
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(3);
    expect(acct.webhookDeliveries()[1]).toMatchObject({ outcome: 'failed', attempts: 3, lastStatus: 500 });

    rx.received.length = 0;
    rx.answer(401);
    acct.createTicket();
    await acct.webhooksIdle();
    expect(rx.received).toHaveLength(1);
    expect(acct.webhookDeliveries()[2]).toMatchObject({ outcome: 'failed', attempts: 1, lastStatus: 401 });
  });

  it('disables an integration after 100 consecutive failed requests; a success resets the count', async () => {
    const { acct, sub, id } = await setup({ 'ticket-created': true });
    acct.setWebhookDelivery({ maxAttempts: 1 });
    const fail = async (times: number) => {
      rx.answer(500);
      for (let i = 0; i < times; i++) acct.createTicket();
      await acct.webhooksIdle();
    };
    await fail(99);
    rx.answer(200);
    acct.createTicket();
    await acct.webhooksIdle();
    await fail(99);
    expect((await api(sub, 'GET', `integrations/${id}`)).body.deactivated_datetime).toBeNull();
    await fail(1); // the 100th consecutive failure
    expect((await api(sub, 'GET', `integrations/${id}`)).body.deactivated_datetime).toEqual(expect.any(String));
    const before = rx.received.length;
    rx.answer(200);
    acct.createTicket();
    await acct.webhooksIdle();
    expect(rx.received.length).toBe(before);
  });

  it('drops or duplicates a share of deliveries when told to, deterministically for a seed', async () => {
    const { acct } = await setup({ 'ticket-created': true });
    const run = async (cfg: { dropRate?: number; duplicateRate?: number }) => {
      rx.received.length = 0;
      acct.setWebhookDelivery({ dropRate: 0, duplicateRate: 0, ...cfg, seed: 3 });
      const ids = Array.from({ length: 40 }, () => acct.createTicket().id);
      await acct.webhooksIdle();
      return { ids, got: rx.received.map((r) => Number(JSON.parse(r.body).ticket_id)) };
    };
    const dropped = await run({ dropRate: 0.25 });
    expect(dropped.got.length).toBeGreaterThan(20);
    expect(dropped.got.length).toBeLessThan(40);
    expect(new Set(dropped.got).size).toBe(dropped.got.length);
    const again = await run({ dropRate: 0.25 });
    expect(again.got.map((id) => again.ids.indexOf(id))).toEqual(dropped.got.map((id) => dropped.ids.indexOf(id)));
    const doubled = await run({ duplicateRate: 1 });
    expect(doubled.got.sort()).toEqual([...doubled.ids, ...doubled.ids].sort());
    expect(acct.webhookDeliveries().filter((d) => d.outcome === 'dropped').length).toBe(80 - dropped.got.length - again.got.length);
  });

  it('the control API sets delivery and reports integrations, deliveries and stats', async () => {
    const { acct, sub } = await setup({ 'ticket-created': true });
    const ctl = (path: string, body?: unknown) =>
      fetch(`${sim.baseUrl}/__control/${sub}/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    expect((await ctl('webhooks', { delayMs: 5, duplicateRate: 1 })).body).toMatchObject({ delayMs: 5, duplicateRate: 1 });
    expect((await ctl('webhooks', { dropRate: 2 })).status).toBe(400);
    acct.createTicket();
    await acct.webhooksIdle();
    const state = await ctl('webhooks');
    expect(state.body.integrations).toHaveLength(1);
    expect(state.body.stats).toMatchObject({ fired: 1, delivered: 2, duplicated: 1, pending: 0 });
  });
});
