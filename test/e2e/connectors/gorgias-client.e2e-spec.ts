import axios from 'axios';
import { GorgiasApiError } from '../../../src/gorgias/gorgias-api.error';
import { GorgiasClient } from '../../../src/gorgias/gorgias-client';
import { GorgiasRateLimitPacer } from '../../../src/gorgias/gorgias-rate-limit.pacer';
import { GorgiasTicket } from '../../../src/gorgias/gorgias.types';
import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';

const EMAIL = 'client@acme.test';
const KEY = 'client-key-0123456789';

/** The client as the app builds it, on a real axios instance talking HTTP to the simulator. */
function clientFor(sim: GorgiasSimulator | { baseUrlTemplate: string }, subdomain: string, apiKey = KEY, maxRetries = 6) {
  return new GorgiasClient(axios.create(), { email: EMAIL, apiKey, subdomain }, new GorgiasRateLimitPacer(), {
    baseUrlTemplate: sim.baseUrlTemplate,
    timeoutMs: 2_000,
    maxRetries,
  });
}

async function errorOf(p: Promise<unknown>): Promise<GorgiasApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GorgiasApiError) return e;
    throw e;
  }
  throw new Error('expected a GorgiasApiError');
}

describe('GorgiasClient against the Gorgias simulator', () => {
  let sim: GorgiasSimulator;
  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    const acme = sim.addAccount({ subdomain: 'acme', email: EMAIL, apiKey: KEY, seed: 7, tickets: 40 });
    acme.addKey({ apiKey: 'no-messages-key', email: EMAIL, denied: ['messages'] }); // a user role without message access
    acme.addKey({ apiKey: 'no-tickets-key', email: EMAIL, scopes: ['account:read'] });
    acme.addKey({ apiKey: 'revoked-key', email: EMAIL });
    acme.revokeKey('revoked-key');
    sim.addAccount({ subdomain: 'sleepy', email: EMAIL, apiKey: KEY, seed: 8, tickets: 1, status: 'inactive' });
  });
  afterAll(() => sim?.close());

  describe('maps every failure to one typed error, without the key', () => {
    it('bad key: INVALID_CREDENTIALS', async () => {
      const e = await errorOf(clientFor(sim, 'acme', 'wrong-key-xyz').getAccount());
      expect(e).toMatchObject({ code: 'INVALID_CREDENTIALS', details: { status: 401 } });
      expect(JSON.stringify({ ...e, message: e.message, stack: e.stack })).not.toContain('wrong-key-xyz');
    });
    it('revoked key: INVALID_CREDENTIALS', async () => {
      expect((await errorOf(clientFor(sim, 'acme', 'revoked-key').listTickets({ limit: 1 }))).code).toBe('INVALID_CREDENTIALS');
    });
    it('unknown subdomain: SUBDOMAIN_NOT_FOUND, on any call', async () => {
      expect((await errorOf(clientFor(sim, 'nosuchco').getAccount())).code).toBe('SUBDOMAIN_NOT_FOUND');
      expect((await errorOf(clientFor(sim, 'nosuchco').listTickets({ limit: 1 }))).code).toBe('SUBDOMAIN_NOT_FOUND');
    });
    it('key without messages access: PERMISSION_DENIED on messages only', async () => {
      const c = clientFor(sim, 'acme', 'no-messages-key');
      await expect(c.listTickets({ limit: 1 })).resolves.toMatchObject({ data: [expect.any(Object)] });
      expect(await errorOf(c.listMessages({ limit: 1 }))).toMatchObject({
        code: 'PERMISSION_DENIED',
        details: { resource: 'messages', status: 403 },
      });
    });
    it('key without tickets access: PERMISSION_DENIED on tickets', async () => {
      expect(await errorOf(clientFor(sim, 'acme', 'no-tickets-key').listTickets({ limit: 1 }))).toMatchObject({
        code: 'PERMISSION_DENIED',
        details: { resource: 'tickets' },
      });
    });
    it('inactive account: ACCOUNT_INACTIVE on data calls', async () => {
      expect((await errorOf(clientFor(sim, 'sleepy').listTickets({ limit: 1 }))).code).toBe('ACCOUNT_INACTIVE');
    });
    it('deleted ticket: NOT_FOUND', async () => {
      const acme = sim.account('acme');
      const victim = acme.createTicket({ subject: 'to delete' });
      acme.deleteTicket(victim.id);
      expect((await errorOf(clientFor(sim, 'acme').getTicket(victim.id))).code).toBe('NOT_FOUND');
    });
    it('nothing listening: UNREACHABLE after the allowed retries', async () => {
      const c = clientFor({ baseUrlTemplate: 'http://127.0.0.1:9/{subdomain}' }, 'acme', KEY, 2);
      const e = await errorOf(c.getAccount());
      expect(e.code).toBe('UNREACHABLE');
      expect(c.stats.requests).toBe(3);
    });
    it('a limit above 100 is refused before any call', async () => {
      const c = clientFor(sim, 'acme');
      expect((await errorOf(c.listTickets({ limit: 101 }))).code).toBe('BAD_REQUEST');
      expect(c.stats.requests).toBe(0);
    });
  });

  it('pages through thousands of tickets with tickets added and updated meanwhile: each existing one exactly once', async () => {
    const acct = sim.addAccount({ subdomain: 'pager', email: EMAIL, apiKey: KEY, seed: 9, tickets: 2_500, messagesPerTicket: 1 });
    const before = new Set(acct.snapshot().tickets.map((t) => t.id));
    const c = clientFor(sim, 'pager');
    const seen: number[] = [];
    let pages = 0;
    for await (const page of c.paginate((cursor) => c.listTickets({ limit: 100, cursor, order_by: 'created_datetime:desc' }))) {
      seen.push(...page.data.map((t: GorgiasTicket) => t.id));
      if (++pages % 5 === 0) {
        acct.createTicket({ subject: `added while paging ${pages}` });
        acct.updateTicket(seen[seen.length - 1], { status: 'closed' });
      }
    }
    expect(new Set(seen).size).toBe(seen.length); // no duplicates
    for (const id of before) expect(seen).toContain(id); // nothing that existed is skipped
    expect(pages).toBe(Math.ceil(seen.length / 100));
  });

  it('retries 5xx, cut connections and truncated bodies, and still returns every page', async () => {
    const acct = sim.addAccount({ subdomain: 'flaky', email: EMAIL, apiKey: KEY, seed: 10, tickets: 600, messagesPerTicket: 1 });
    acct.setFaults({ errorRate: 0.1, cutRate: 0.1, truncateRate: 0.1, seed: 3 });
    const c = clientFor(sim, 'flaky');
    const ids: number[] = [];
    for await (const page of c.paginate((cursor) => c.listTickets({ limit: 100, cursor }))) ids.push(...page.data.map((t) => t.id));
    acct.setFaults({});
    expect(ids.sort()).toEqual(
      acct
        .snapshot()
        .tickets.map((t) => t.id)
        .sort(),
    );
    expect(c.stats.retries).toBeGreaterThan(0);
  });

  it('sustained use gets no 429 when the pacer drives the calls', async () => {
    // clockScale 20: the 40-per-20 s bucket drains 40 per real second. 150 calls overflow it ~4 times over.
    const acct = sim.addAccount({ subdomain: 'steady', email: EMAIL, apiKey: KEY, seed: 11, tickets: 30 });
    const c = clientFor(sim, 'steady');
    for (let i = 0; i < 150; i++) await c.listTickets({ limit: 1 });
    expect(acct.stats().rateLimited).toBe(0);
    expect(c.stats.rateLimitWaits).toBe(0);
    expect(c.stats.requests).toBe(150);
  });

  it('honours Retry-After when another tool drains the bucket', async () => {
    const acct = sim.addAccount({ subdomain: 'shared', email: EMAIL, apiKey: KEY, seed: 12, tickets: 5 });
    const greedy = clientFor(sim, 'shared');
    // Ten unpaced "other tools" (each its own pacer) hammer the account alongside us.
    const others = Array.from({ length: 10 }, () => clientFor(sim, 'shared'));
    await Promise.all([
      ...others.map((o) => Promise.all(Array.from({ length: 8 }, () => o.listTickets({ limit: 1 })))),
      greedy.listTickets({ limit: 1 }),
    ]);
    const waits = [greedy, ...others].reduce((n, o) => n + o.stats.rateLimitWaits, 0);
    expect(acct.stats().rateLimited).toBe(waits); // every 429 was waited out and retried, none surfaced
  });
  it('filters events by several types (repeated keys), by object type and date; reads a ticket with its messages embedded', async () => {
    const acct = sim.addAccount({ subdomain: 'evts', email: EMAIL, apiKey: KEY, seed: 9, tickets: 5 });
    const [a, b] = acct.snapshot().tickets;
    const since = new Date(Date.now() - 1000).toISOString();
    acct.trashTicket(a.id);
    acct.mergeTickets(b.id, a.id);
    const c = clientFor(sim, 'evts');
    const typed = await c.listEvents({ types: ['ticket-trashed', 'ticket-merged'], createdAfter: since, limit: 100 });
    expect(typed.data.map((e) => [e.type, e.object_id]).sort()).toEqual([
      ['ticket-merged', a.id],
      ['ticket-trashed', a.id],
    ]);
    expect((await c.listEvents({ objectType: 'TicketMessage', createdAfter: since, limit: 100 })).data).toEqual([]);
    const ticket = await c.getTicket(a.id);
    expect(ticket.trashed_datetime).toMatch(/\.\d{6}\+00:00$/);
    const embedded = (ticket.messages ?? []).map((m) => m.id);
    expect(embedded.length).toBe(a.messages_count! + b.messages_count!);
    expect((ticket.messages ?? []).every((m) => m.ticket_id === a.id)).toBe(true);
    expect((await errorOf(c.getTicket(b.id))).code).toBe('NOT_FOUND');
  });
});
