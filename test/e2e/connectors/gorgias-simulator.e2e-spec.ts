/**
 * The Gorgias simulator itself, over HTTP (global fetch). No database needed.
 */
import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';

const EMAIL = 'admin@acme.test';
const KEY = 'sim-spec-key';
const auth = (email = EMAIL, key = KEY) => ({ authorization: 'Basic ' + Buffer.from(`${email}:${key}`).toString('base64') });
const LIMIT_HEADER = 'x-gorgias-account-api-call-limit';

describe('Gorgias simulator', () => {
  let sim: GorgiasSimulator;
  const get = (path: string, headers: Record<string, string> = auth()) => fetch(`${sim.baseUrl}${path}`, { headers });
  const json = async (path: string, headers?: Record<string, string>) => {
    const r = await get(path, headers);
    return { status: r.status, body: (await r.json()) as any, headers: r.headers };
  };

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
    sim.addAccount({ subdomain: 'acme', email: EMAIL, apiKey: KEY, seed: 1, tickets: 40, messages: 160 });
    sim.addAccount({ subdomain: 'sleepy', email: EMAIL, apiKey: KEY, seed: 2, tickets: 2, status: 'inactive' });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('exposes the documented shape', () => {
    expect(sim.baseUrl).toBe(`http://127.0.0.1:${sim.port}`);
    expect(sim.baseUrlTemplate).toBe(`http://127.0.0.1:${sim.port}/{subdomain}`);
    expect(() => sim.account('nope')).toThrow();
  });

  describe('auth and errors', () => {
    it('answers 401 JSON for a missing, wrong or revoked key and a wrong email, with the call-limit header', async () => {
      const acme = sim.account('acme');
      acme.addKey({ apiKey: 'to-revoke', email: EMAIL });
      expect((await json('/acme/api/account', auth(EMAIL, 'to-revoke'))).status).toBe(200);
      acme.revokeKey('to-revoke');
      for (const headers of [
        {},
        auth(EMAIL, 'wrong'),
        auth('other@acme.test', KEY),
        auth(EMAIL, 'to-revoke'),
        { authorization: 'Bearer x' },
      ]) {
        const r = await json('/acme/api/tickets', headers);
        expect(r.status).toBe(401);
        expect(r.body.error.msg).toEqual(expect.any(String));
        expect(r.headers.get(LIMIT_HEADER)).toMatch(/^\d+\/\d+$/);
      }
    });

    it('answers 403 when the key lacks the scope (real OAuth scope names; tickets:read covers messages)', async () => {
      sim.account('acme').addKey({ apiKey: 'tickets-only', email: EMAIL, scopes: ['account:read', 'tickets:read'] });
      const h = auth(EMAIL, 'tickets-only');
      for (const p of ['/acme/api/tickets', '/acme/api/messages', '/acme/api/tickets/10000001/messages', '/acme/api/tickets/10000001']) {
        expect([p, (await json(p, h)).status]).toEqual([p, 200]);
      }
      for (const p of ['/acme/api/customers', '/acme/api/events', '/acme/api/integrations']) {
        const r = await json(p, h);
        expect([p, r.status]).toEqual([p, 403]);
        expect(r.headers.get(LIMIT_HEADER)).toMatch(/^\d+\/\d+$/);
      }
      // addKey on an existing key replaces its permissions
      sim.account('acme').addKey({ apiKey: 'tickets-only', email: EMAIL });
      expect((await json('/acme/api/events', h)).status).toBe(200);
      // there is no messages scope: the old pseudo-scope is refused with a hint
      expect(() => sim.account('acme').addKey({ apiKey: 'x', email: EMAIL, scopes: ['messages:read' as never] })).toThrow(
        /denied: \['messages'\]/,
      );
    });

    it('a user role without message access (denied) still gets 403 on messages only', async () => {
      sim.account('acme').addKey({ apiKey: 'no-messages', email: EMAIL, denied: ['messages'] });
      const h = auth(EMAIL, 'no-messages');
      expect((await json('/acme/api/tickets', h)).status).toBe(200);
      for (const p of ['/acme/api/messages', '/acme/api/tickets/10000001/messages']) {
        const r = await json(p, h);
        expect([p, r.status]).toEqual([p, 403]);
        expect(r.body.error.msg).toEqual(expect.any(String));
      }
    });

    it('answers 404 with an HTML body and no call-limit header for an unknown subdomain', async () => {
      const r = await get('/no-such-helpdesk/api/account');
      expect(r.status).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/text\/html/);
      expect(r.headers.get(LIMIT_HEADER)).toBeNull();
      const text = await r.text();
      expect(() => JSON.parse(text)).toThrow();
    });

    it('answers 404 JSON for an unknown route and an unknown ticket', async () => {
      expect((await json('/acme/api/nope')).status).toBe(404);
      const r = await json('/acme/api/tickets/1');
      expect(r.status).toBe(404);
      expect(r.body.error.msg).toEqual(expect.any(String));
    });

    it('an inactive account: account says inactive, every other call is 403', async () => {
      const a = await json('/sleepy/api/account');
      expect(a.status).toBe(200);
      expect(a.body.status.status).toBe('inactive');
      const t = await json('/sleepy/api/tickets');
      expect(t.status).toBe(403);
      expect(t.body.error.msg).toMatch(/inactive/i);
    });
  });

  describe('lists', () => {
    it('returns the list envelope, the header, and validates limit, order_by, cursor and unknown params', async () => {
      const r = await json('/acme/api/tickets');
      expect(r.status).toBe(200);
      expect(r.headers.get(LIMIT_HEADER)).toMatch(/^\d+\/40$/);
      expect(r.body).toMatchObject({ object: 'list', uri: expect.stringContaining('/api/tickets'), meta: { prev_cursor: null } });
      expect(r.body.data).toHaveLength(30);
      expect(r.body.meta.next_cursor).toEqual(expect.any(String));
      expect(r.body.data[0].messages).toBeUndefined();
      for (const q of [
        'limit=0',
        'limit=101',
        'limit=abc',
        'order_by=subject:asc',
        'order_by=updated_datetime',
        'cursor=%%%',
        'cursor=bm90LWpzb24',
        'updated_datetime__gte=2024-01-01',
      ]) {
        const bad = await json(`/acme/api/tickets?${q}`);
        expect([q, bad.status]).toEqual([q, 400]);
        expect(bad.body.error.msg).toEqual(expect.any(String));
      }
      expect((await json('/acme/api/tickets?limit=100')).body.data).toHaveLength(40);
      expect((await json('/acme/api/messages?order_by=updated_datetime:desc')).status).toBe(400);
      // a cursor made for another order is refused
      const other = (await json('/acme/api/tickets?limit=5&order_by=updated_datetime:asc')).body.meta.next_cursor;
      expect((await json(`/acme/api/tickets?limit=5&cursor=${other}`)).status).toBe(400);
    });

    it('datetimes are ISO 8601 with microseconds and an explicit UTC offset, and tickets agree with their messages', async () => {
      const snap = sim.account('acme').snapshot();
      expect(snap.tickets).toHaveLength(40);
      expect(snap.messages).toHaveLength(160);
      for (const t of snap.tickets) {
        expect(t.created_datetime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
        const msgs = snap.messages.filter((m) => m.ticket_id === t.id);
        expect(msgs.length).toBe(t.messages_count);
        expect(msgs.length).toBeGreaterThanOrEqual(1);
        const last = Math.max(...msgs.map((m) => Date.parse(m.created_datetime)));
        expect(Date.parse(t.updated_datetime)).toBeGreaterThanOrEqual(last);
        expect(Date.parse(t.last_message_datetime!)).toBe(last);
        expect(Date.parse(t.updated_datetime)).toBeGreaterThanOrEqual(Date.parse(t.created_datetime));
        if (t.status === 'closed') expect(t.closed_datetime).not.toBeNull();
      }
      const one = snap.tickets.find((t) => (t.messages_count ?? 0) >= 2)!;
      const viaTicket = await json(`/acme/api/tickets/${one.id}/messages?limit=100`);
      const viaFilter = await json(`/acme/api/messages?ticket_id=${one.id}&limit=100&order_by=created_datetime:asc`);
      expect(viaTicket.body.data.map((m: any) => m.id).sort()).toEqual(viaFilter.body.data.map((m: any) => m.id).sort());
      expect(viaFilter.body.data).toHaveLength(one.messages_count!);
      const single = await json(`/acme/api/tickets/${one.id}`);
      expect(single.body).toMatchObject({ id: one.id, messages_count: one.messages_count });
      expect(single.body.messages).toHaveLength(one.messages_count!);
    });

    it('keyset cursors: no duplicates and nothing existing skipped while tickets are created and updated during paging', async () => {
      const big = sim.addAccount({ subdomain: 'paging', email: EMAIL, apiKey: KEY, seed: 5, tickets: 1200, messagesPerTicket: 2 });
      const initial = big.snapshot().tickets.map((t) => t.id);
      for (const order of ['created_datetime:desc', 'updated_datetime:desc', 'created_datetime:asc']) {
        const seen: number[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const r = await json(`/paging/api/tickets?limit=100&order_by=${order}${cursor ? `&cursor=${cursor}` : ''}`);
          expect(r.status).toBe(200);
          seen.push(...r.body.data.map((t: any) => t.id));
          cursor = r.body.meta.next_cursor;
          pages++;
          // churn between pages: new tickets, new messages, updates on tickets already seen and not yet seen
          big.createTicket({ subject: `during paging ${pages}` });
          big.updateTicket(initial[(pages * 37) % initial.length], { priority: 'high' });
          big.addMessage(initial[(pages * 53) % initial.length], { body_text: 'reply during paging' });
        } while (cursor);
        expect(new Set(seen).size).toBe(seen.length);
        if (order.startsWith('created')) {
          const missing = initial.filter((id) => !seen.includes(id));
          expect(missing).toEqual([]);
        } else {
          // updated_datetime:desc: a ticket updated during the walk moves to the front (read next run);
          // every ticket left unchanged is listed exactly once.
          const changed = new Set<number>();
          for (let p = 1; p <= pages; p++) {
            changed.add(initial[(p * 37) % initial.length]);
            changed.add(initial[(p * 53) % initial.length]);
          }
          const missing = initial.filter((id) => !changed.has(id) && !seen.includes(id));
          expect(missing).toEqual([]);
        }
      }
      // prev_cursor walks back to the same page
      const p1 = await json('/paging/api/tickets?limit=10');
      const p2 = await json(`/paging/api/tickets?limit=10&cursor=${p1.body.meta.next_cursor}`);
      const back = await json(`/paging/api/tickets?limit=10&cursor=${p2.body.meta.prev_cursor}`);
      expect(back.body.data.map((t: any) => t.id)).toEqual(p1.body.data.map((t: any) => t.id));
    });

    it('mutations get timestamps strictly after everything in the account', async () => {
      const acct = sim.account('acme');
      const maxBefore = Math.max(...acct.snapshot().tickets.map((t) => Date.parse(t.updated_datetime)));
      const a = acct.createTicket({ subject: 'Ünïcode “quotes” <b>html</b> 🎉' });
      const b = acct.createTicket();
      expect(Date.parse(a.created_datetime)).toBeGreaterThan(maxBefore);
      expect(Date.parse(b.created_datetime)).toBeGreaterThan(Date.parse(a.created_datetime));
      const m = acct.addMessage(a.id, { body_text: 'hello' });
      const t = (await json(`/acme/api/tickets/${a.id}`)).body;
      expect(t.messages_count).toBe(1);
      expect(t.updated_datetime).toBe(m.created_datetime);
      expect(t.last_message_datetime).toBe(m.created_datetime);
      const closed = acct.updateTicket(a.id, { status: 'closed' });
      expect(closed.closed_datetime).toBe(closed.updated_datetime);
      expect(Date.parse(closed.updated_datetime)).toBeGreaterThan(Date.parse(m.created_datetime));
      const trashed = acct.trashTicket(b.id);
      // worst case by default: trashing does not move updated_datetime
      expect(Date.parse(trashed.trashed_datetime!)).toBeGreaterThan(Date.parse(closed.updated_datetime));
      expect(trashed.updated_datetime).toBe(b.updated_datetime);
      expect((await json(`/acme/api/tickets/${b.id}`)).status).toBe(200);
    });
  });

  it('deleting a ticket: 404, gone from every list, and a ticket-deleted event', async () => {
    const acct = sim.addAccount({ subdomain: 'del', email: EMAIL, apiKey: KEY, seed: 7, tickets: 10 });
    const since = new Date(Date.now() - 1000).toISOString();
    const victim = acct.snapshot().tickets[3];
    acct.deleteTicket(victim.id);
    expect((await json(`/del/api/tickets/${victim.id}`)).status).toBe(404);
    expect((await json(`/del/api/tickets/${victim.id}/messages`)).status).toBe(404);
    expect((await json(`/del/api/tickets?limit=100`)).body.data.map((t: any) => t.id)).not.toContain(victim.id);
    expect((await json(`/del/api/messages?limit=100`)).body.data.map((m: any) => m.ticket_id)).not.toContain(victim.id);
    expect((await json(`/del/api/messages?ticket_id=${victim.id}`)).body.data).toEqual([]);
    const snap = acct.snapshot();
    expect(snap.tickets).toHaveLength(9);
    expect(snap.messages.some((m) => m.ticket_id === victim.id)).toBe(false);
    // `types` is repeated keys; a comma-joined value is one unknown type
    const joined = await json('/del/api/events?types=ticket-created,ticket-deleted');
    expect(joined.status).toBe(400);
    expect(joined.body.error.data.types).toEqual({ 0: [expect.stringContaining('ticket-deleted')] });
    for (const q of [
      `types=ticket-deleted&created_datetime[gte]=${since}`,
      `types=ticket-deleted&types=ticket-updated`,
      'object_type=Ticket',
    ]) {
      const ev = await json(`/del/api/events?${q.replace('[', '%5B').replace(']', '%5D')}`);
      expect(ev.status).toBe(200);
      expect(ev.body.data).toEqual([
        expect.objectContaining({
          type: 'ticket-deleted',
          object_type: 'Ticket',
          object_id: victim.id,
          created_datetime: expect.any(String),
        }),
      ]);
    }
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await json(`/del/api/events?types=ticket-deleted&created_datetime%5Bgte%5D=${future}`)).body.data).toEqual([]);
    // without recording an event
    const quiet = acct.snapshot().tickets[0];
    acct.deleteTicket(quiet.id, { recordEvent: false });
    expect((await json('/del/api/events?types=ticket-deleted')).body.data).toHaveLength(1);
  });

  it('control endpoints drive the same account over HTTP', async () => {
    const post = (p: string, body: unknown, method = 'POST') =>
      fetch(`${sim.baseUrl}/__control/${p}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    expect((await post('accounts', { subdomain: 'ctl', email: EMAIL, apiKey: KEY, tickets: 3, seed: 3 })).status).toBe(201);
    const created = await post('ctl/tickets', { subject: 'from control' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await post(`ctl/tickets/${id}/messages`, { body_text: 'hi' })).body.ticket_id).toBe(id);
    expect((await post(`ctl/tickets/${id}`, { status: 'closed' }, 'PATCH')).body.status).toBe('closed');
    expect((await post(`ctl/tickets/${id}/trash`, {})).body.trashed_datetime).not.toBeNull();
    expect((await json(`/ctl/api/tickets/${id}`)).body.messages_count).toBe(1);
    expect((await post(`ctl/tickets/${id}`, {}, 'DELETE')).status).toBe(200);
    expect((await json(`/ctl/api/tickets/${id}`)).status).toBe(404);
    expect((await post('ctl/faults', { errorRate: 0 })).status).toBe(200);
    const stats = await (await fetch(`${sim.baseUrl}/__control/ctl/stats`)).json();
    expect(stats).toMatchObject({ requests: 2, byRoute: { 'GET /api/tickets/{id}': 2 }, rateLimited: 0, faults: 0 });
  });

  it('faults are deterministic for a seed and count in stats', async () => {
    const acct = sim.addAccount({ subdomain: 'flaky', email: EMAIL, apiKey: KEY, seed: 9, tickets: 30 });
    const run = async () => {
      acct.setFaults({ errorRate: 0.2, cutRate: 0.1, truncateRate: 0.1, slowMs: 5, slowRate: 0.2, seed: 42 });
      const outcomes: string[] = [];
      for (let i = 0; i < 60; i++) {
        try {
          const r = await fetch(`${sim.baseUrl}/flaky/api/tickets?limit=5`, { headers: auth() });
          try {
            await r.json();
            outcomes.push(String(r.status));
          } catch {
            outcomes.push(`truncated-${r.status}`);
          }
        } catch {
          outcomes.push('cut');
        }
      }
      return outcomes;
    };
    const first = await run();
    const second = await run();
    expect(second).toEqual(first);
    expect(first).toContain('200');
    expect(first).toContain('cut');
    expect(first).toContain('truncated-200');
    expect(first.some((o) => ['500', '502', '503'].includes(o))).toBe(true);
    const failures = first.filter((o) => o !== '200').length;
    expect(acct.stats().faults).toBe(failures * 2);
    acct.setFaults({});
    expect((await json('/flaky/api/tickets')).status).toBe(200);
  });

  it('rate limit: a burst gets 429 with Retry-After in real seconds, and the bucket refills', async () => {
    const limited = await startGorgiasSimulator({ port: 0, clockScale: 1, rateLimit: { limit: 10, windowSeconds: 10 } }); // leaks 1 call per second
    try {
      const acct = limited.addAccount({ subdomain: 'busy', email: EMAIL, apiKey: KEY, seed: 1, tickets: 5 });
      const results = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${limited.baseUrl}/busy/api/tickets?limit=1`, { headers: auth() }).then(async (r) => ({
            status: r.status,
            retry: r.headers.get('retry-after'),
            used: r.headers.get(LIMIT_HEADER),
            body: await r.text(),
          })),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      const limitedRes = results.filter((r) => r.status === 429);
      expect(ok.length).toBeGreaterThanOrEqual(10);
      expect(ok.length).toBeLessThan(14);
      expect(limitedRes.length).toBe(50 - ok.length);
      for (const r of limitedRes) {
        expect(Number(r.retry)).toBeGreaterThanOrEqual(1);
        expect(Number.isInteger(Number(r.retry))).toBe(true);
        expect(r.used).toBe('10/10');
      }
      expect(acct.stats()).toMatchObject({ requests: 50, rateLimited: limitedRes.length });
      await new Promise((r) => setTimeout(r, 1000 * Number(limitedRes[0].retry)));
      const after = await fetch(`${limited.baseUrl}/busy/api/tickets?limit=1`, { headers: auth() });
      expect(after.status).toBe(200);
      await after.text();
    } finally {
      await limited.close();
    }
  });

  it('clockScale: Retry-After is the simulated wait divided by clockScale, in real seconds', async () => {
    // 5 calls per 200 simulated s; clockScale 20 -> one drop leaks every 40 simulated s = 2 real s.
    const fast = await startGorgiasSimulator({ port: 0, clockScale: 20, rateLimit: { limit: 5, windowSeconds: 200 } });
    try {
      fast.addAccount({ subdomain: 'fast', email: EMAIL, apiKey: KEY, seed: 1, tickets: 2 });
      const statuses = await Promise.all(
        Array.from({ length: 12 }, () =>
          fetch(`${fast.baseUrl}/fast/api/account`, { headers: auth() }).then(
            async (r) => (await r.text(), [r.status, Number(r.headers.get('retry-after'))] as const),
          ),
        ),
      );
      const refused = statuses.filter(([s]) => s === 429);
      expect(refused.length).toBeGreaterThanOrEqual(4);
      for (const [, ra] of refused) expect([1, 2]).toContain(ra); // 40 simulated s would be the unscaled answer
    } finally {
      await fast.close();
    }
  });

  it('seeds 10,000 tickets and 50,000 messages quickly and exactly', () => {
    const started = Date.now();
    const big = sim.addAccount({ subdomain: 'huge', email: EMAIL, apiKey: KEY, seed: 42, tickets: 10_000, messages: 50_000 });
    // ~0.7 s on an idle machine; the bound is loose because CI machines run several suites at once.
    expect(Date.now() - started).toBeLessThan(6000);
    const snap = big.snapshot();
    expect(snap.tickets).toHaveLength(10_000);
    expect(snap.messages).toHaveLength(50_000);
    const statuses = new Set(snap.tickets.map((t) => t.status));
    expect([...statuses].sort()).toEqual(['closed', 'open']);
    expect(new Set(snap.tickets.map((t) => t.priority))).toEqual(new Set(['low', 'normal', 'high', 'critical']));
    expect(new Set(snap.tickets.map((t) => t.channel)).size).toBe(8);
    expect(snap.messages.some((m) => (m.body_text?.length ?? 0) > 150_000)).toBe(true);
    expect(snap.messages.some((m) => (m.attachments?.length ?? 0) > 0)).toBe(true);
    // deterministic from the seed
    const shape = (s: typeof snap) => s.tickets.map((t) => [t.id, t.subject, t.status, t.customer?.email, t.messages_count]);
    const a = sim.addAccount({ subdomain: 'same1', email: EMAIL, apiKey: KEY, seed: 8, tickets: 300, messages: 900 }).snapshot();
    const b = sim.addAccount({ subdomain: 'same2', email: EMAIL, apiKey: KEY, seed: 8, tickets: 300, messages: 900 }).snapshot();
    expect(shape(b)).toEqual(shape(a));
    expect(b.messages).toHaveLength(900);
  });
});
