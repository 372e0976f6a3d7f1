/**
 * The simulator follows the real API on trash, restore, merges and message changes (issue 12), and runs
 * the worst case of every undocumented behaviour by default (behaviour.ts). Over HTTP, no database.
 */
import { GorgiasSimulator, SimAccount, startGorgiasSimulator, WORST_CASE } from '../../gorgias-simulator';

const EMAIL = 'admin@acme.test';
const KEY = 'sim-fidelity-key';
const headers = { authorization: 'Basic ' + Buffer.from(`${EMAIL}:${KEY}`).toString('base64') };
const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

describe('Gorgias simulator: fidelity (trash, merge, message changes, events)', () => {
  let sim: GorgiasSimulator;
  let n = 0;
  const json = async (path: string, init: RequestInit = {}) => {
    const r = await fetch(`${sim.baseUrl}${path}`, { ...init, headers: { ...headers, 'content-type': 'application/json' } });
    const text = await r.text();
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON (HTML page or empty body): kept as text
    }
    return { status: r.status, body, headers: r.headers };
  };
  const fresh = (
    o: { tickets?: number; messages?: number; behaviour?: Record<string, unknown> } = {},
  ): { acct: SimAccount; sub: string } => {
    const sub = `fid${++n}`;
    const acct = sim.addAccount({
      subdomain: sub,
      email: EMAIL,
      apiKey: KEY,
      seed: n,
      tickets: o.tickets ?? 6,
      messages: o.messages,
      behaviour: o.behaviour,
    });
    return { acct, sub };
  };
  const events = async (sub: string, query = '') =>
    (await json(`/${sub}/api/events?limit=100&order_by=created_datetime:asc${query}`)).body.data as any[];

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('defaults to the worst case of every undocumented behaviour', () => {
    const { acct } = fresh();
    expect(acct.behaviour()).toEqual(WORST_CASE); // the coverage options are pinned in gorgias-simulator-coverage.e2e-spec.ts
    expect(WORST_CASE).toMatchObject({
      trashMovesUpdatedDatetime: false,
      trashedTicketMessagesListed: false,
      mergeRecordsTicketDeleted: false,
      mergeMovesTargetUpdatedDatetime: false,
      messageChangeMovesTicketUpdatedDatetime: false,
      eventDataIds: false,
      rateLimitBody: 'html',
    });
    expect(() => acct.setBehaviour({ nope: true } as never)).toThrow(/Unknown behaviour option nope/);
  });

  it('trash and restore: listed by default with trashed_datetime, updated_datetime unmoved, ticket-trashed / ticket-untrashed events', async () => {
    const { acct, sub } = fresh();
    const byUpdated = acct
      .snapshot()
      .tickets.filter((x) => !x.trashed_datetime)
      .sort((x, y) => Date.parse(x.updated_datetime) - Date.parse(y.updated_datetime));
    const t = byUpdated[0];
    const newestBefore = byUpdated[byUpdated.length - 1];
    const trashed = acct.trashTicket(t.id);
    expect(trashed.trashed_datetime).toMatch(DATETIME);
    expect(trashed.updated_datetime).toBe(t.updated_datetime);
    const all = (await json(`/${sub}/api/tickets?limit=100`)).body.data;
    expect(all.find((x: any) => x.id === t.id).trashed_datetime).toBe(trashed.trashed_datetime);
    expect((await json(`/${sub}/api/tickets?limit=100&trashed=true`)).body.data.map((x: any) => x.id)).toContain(t.id);
    expect((await json(`/${sub}/api/tickets?limit=100&trashed=false`)).body.data.map((x: any) => x.id)).not.toContain(t.id);
    // the newest-first walk on updated_datetime does not see the trash
    const newest = (await json(`/${sub}/api/tickets?limit=1&order_by=updated_datetime:desc`)).body.data[0];
    expect(newest.id).toBe(newestBefore.id);
    const restored = acct.restoreTicket(t.id);
    expect(restored).toMatchObject({ trashed_datetime: null, updated_datetime: t.updated_datetime });
    const ev = await events(sub, '&types=ticket-trashed&types=ticket-untrashed');
    expect(ev.map((e) => [e.type, e.object_type, e.object_id])).toEqual([
      ['ticket-trashed', 'Ticket', t.id],
      ['ticket-untrashed', 'Ticket', t.id],
    ]);
    expect((await events(sub, '&types=ticket-updated')).length).toBe(0);
    // with the option, trash and restore move updated_datetime
    acct.setBehaviour({ trashMovesUpdatedDatetime: true });
    const again = acct.trashTicket(t.id);
    expect(again.updated_datetime).toBe(again.trashed_datetime);
  });

  it('messages of trashed tickets leave /api/messages by default (option keeps them); GET ticket still embeds them', async () => {
    const { acct, sub } = fresh({ tickets: 4, messages: 12 });
    const t = acct.snapshot().tickets.find((x) => !x.trashed_datetime && (x.messages_count ?? 0) >= 2)!;
    const listed = async () => (await json(`/${sub}/api/messages?limit=100`)).body.data.filter((m: any) => m.ticket_id === t.id).length;
    expect(await listed()).toBe(t.messages_count);
    const before = acct.stats().data;
    acct.trashTicket(t.id);
    expect(await listed()).toBe(0);
    // What a full read has to fetch, as benchmarks count it: the messages list is shorter, one more ticket to read alone.
    expect(acct.stats().data).toEqual({
      ...before,
      listedMessages: before.listedMessages - t.messages_count!,
      trashedWithHiddenMessages: before.trashedWithHiddenMessages + 1,
    });
    expect(before.messages).toBe(12);
    expect((await json(`/${sub}/api/messages?ticket_id=${t.id}`)).body.data).toEqual([]);
    expect((await json(`/${sub}/api/tickets/${t.id}`)).body.messages).toHaveLength(t.messages_count!);
    acct.setBehaviour({ trashedTicketMessagesListed: true });
    expect(await listed()).toBe(t.messages_count);
    acct.setBehaviour({ trashedTicketMessagesListed: false });
    acct.restoreTicket(t.id);
    expect(await listed()).toBe(t.messages_count);
  });

  it('merge: messages move to the target with their ids and created_datetime; the source disappears without ticket-deleted', async () => {
    const { acct, sub } = fresh({ tickets: 5, messages: 20 });
    const [target, source] = acct.snapshot().tickets.filter((x) => !x.trashed_datetime);
    const before = (await json(`/${sub}/api/tickets/${source.id}`)).body.messages;
    const merged = acct.mergeTickets(source.id, target.id);
    expect(merged.messages_count).toBe(target.messages_count! + source.messages_count!);
    expect(merged.updated_datetime).toBe(target.updated_datetime);
    expect((await json(`/${sub}/api/tickets/${source.id}`)).status).toBe(404);
    expect((await json(`/${sub}/api/tickets?limit=100`)).body.data.map((x: any) => x.id)).not.toContain(source.id);
    const after = (await json(`/${sub}/api/tickets/${target.id}`)).body.messages;
    expect(after).toHaveLength(merged.messages_count!);
    const times = after.map((m: any) => Date.parse(m.created_datetime));
    expect(times).toEqual([...times].sort((a, b) => a - b)); // oldest first
    for (const m of before)
      expect(after).toContainEqual({ ...m, ticket_id: target.id, uri: `/api/tickets/${target.id}/messages/${m.id}/` });
    const ev = await events(sub, '&types=ticket-merged&types=ticket-deleted');
    expect(ev.map((e) => [e.type, e.object_id, e.data])).toEqual([['ticket-merged', target.id, null]]);
    // options: ticket-deleted for the source, ids in data, target's updated_datetime moves
    acct.setBehaviour({ mergeRecordsTicketDeleted: true, eventDataIds: true, mergeMovesTargetUpdatedDatetime: true });
    const third = acct.snapshot().tickets.find((x) => x.id !== target.id)!;
    const m2 = acct.mergeTickets(third.id, target.id);
    expect(Date.parse(m2.updated_datetime)).toBeGreaterThan(Date.parse(merged.updated_datetime));
    const ev2 = await events(sub, '&types=ticket-merged&types=ticket-deleted');
    expect(ev2.slice(1).map((e) => [e.type, e.object_id, e.data])).toEqual([
      ['ticket-merged', target.id, { merged_ticket_id: third.id, ticket_id: target.id }],
      ['ticket-deleted', third.id, null],
    ]);
  });

  it('message update and delete: events, failed_datetime visible, gone from lists; DELETE over the API too', async () => {
    const { acct, sub } = fresh({ tickets: 3, messages: 9 });
    const t = acct.snapshot().tickets.find((x) => !x.trashed_datetime && (x.messages_count ?? 0) >= 3)!;
    const msgs = (await json(`/${sub}/api/tickets/${t.id}`)).body.messages;
    const failed = acct.updateMessage(t.id, msgs[0].id, { failed_datetime: 'now', last_sending_error: { error: 'bounced' } });
    expect(failed.failed_datetime).toMatch(DATETIME);
    expect(failed.created_datetime).toBe(msgs[0].created_datetime);
    expect(
      (await json(`/${sub}/api/messages?ticket_id=${t.id}&limit=100`)).body.data.find((m: any) => m.id === msgs[0].id).failed_datetime,
    ).toBe(failed.failed_datetime);
    acct.updateMessage(t.id, msgs[1].id, { sent_datetime: null });
    acct.deleteMessage(t.id, msgs[1].id);
    const del = await json(`/${sub}/api/tickets/${t.id}/messages/${msgs[2].id}`, { method: 'DELETE' });
    expect(del.status).toBe(204);
    expect((await json(`/${sub}/api/tickets/${t.id}/messages/${msgs[2].id}`, { method: 'DELETE' })).status).toBe(404);
    const now = (await json(`/${sub}/api/tickets/${t.id}`)).body;
    expect(now.messages.map((m: any) => m.id)).not.toEqual(expect.arrayContaining([msgs[1].id]));
    expect(now.messages.map((m: any) => m.id)).not.toContain(msgs[2].id);
    expect(now.messages_count).toBe(t.messages_count! - 2);
    expect(now.updated_datetime).toBe(t.updated_datetime); // worst case: the ticket does not move
    const ev = await events(sub, '&object_type=TicketMessage');
    expect(ev.map((e) => [e.type, e.object_id, e.data])).toEqual([
      ['ticket-message-updated', msgs[0].id, null],
      ['ticket-message-failed', msgs[0].id, null],
      ['ticket-message-updated', msgs[1].id, null],
      ['ticket-message-deleted', msgs[1].id, null],
      ['ticket-message-deleted', msgs[2].id, null],
    ]);
    acct.setBehaviour({ messageChangeMovesTicketUpdatedDatetime: true, eventDataIds: true });
    acct.deleteMessage(t.id, msgs[0].id);
    const moved = (await json(`/${sub}/api/tickets/${t.id}`)).body;
    expect(Date.parse(moved.updated_datetime)).toBeGreaterThan(Date.parse(t.updated_datetime));
    expect((await events(sub, '&types=ticket-message-deleted')).pop().data).toEqual({ ticket_id: t.id });
  });

  it('PUT trashed_datetime trashes and restores, DELETE deletes forever (ticket-deleted), over the API', async () => {
    const { acct, sub } = fresh();
    const t = acct.snapshot().tickets.find((x) => !x.trashed_datetime)!;
    expect(
      (await json(`/${sub}/api/tickets/${t.id}`, { method: 'PUT', body: JSON.stringify({ trashed_datetime: '2026-01-01T00:00:00' }) })).body
        .trashed_datetime,
    ).toMatch(DATETIME);
    expect(
      (await json(`/${sub}/api/tickets/${t.id}`, { method: 'PUT', body: JSON.stringify({ trashed_datetime: null }) })).body
        .trashed_datetime,
    ).toBeNull();
    expect((await json(`/${sub}/api/tickets/${t.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await json(`/${sub}/api/tickets/${t.id}`)).status).toBe(404);
    expect((await events(sub, '&types=ticket-trashed&types=ticket-untrashed&types=ticket-deleted')).map((e) => e.type)).toEqual([
      'ticket-trashed',
      'ticket-untrashed',
      'ticket-deleted',
    ]);
  });

  it('events: repeated types, object filters, user_ids (max one), created_datetime ranges, order, cursor and limit', async () => {
    const { acct, sub } = fresh({ tickets: 2 });
    const a = acct.createTicket();
    const b = acct.createTicket();
    acct.updateTicket(a.id, { status: 'closed' });
    const ok = async (q: string) => {
      const r = await json(`/${sub}/api/events?${q}`);
      expect([q, r.status]).toEqual([q, 200]);
      return r.body.data as any[];
    };
    expect((await ok('types=ticket-created&types=ticket-closed&order_by=created_datetime:asc')).map((e) => [e.type, e.object_id])).toEqual([
      ['ticket-created', a.id],
      ['ticket-created', b.id],
      ['ticket-closed', a.id],
    ]);
    expect((await ok(`object_type=Ticket&object_id=${a.id}`)).map((e) => e.type)).toEqual([
      'ticket-closed',
      'ticket-updated',
      'ticket-created',
    ]);
    expect(await ok('user_ids=5')).toEqual([]);
    const [first] = await ok('order_by=created_datetime:asc&types=ticket-created');
    expect(first.created_datetime).toMatch(DATETIME);
    const at = encodeURIComponent(first.created_datetime);
    expect((await ok(`created_datetime%5Bgte%5D=${at}&types=ticket-created`)).map((e) => e.object_id)).toEqual([b.id, a.id]);
    expect((await ok(`created_datetime%5Bgt%5D=${at}&types=ticket-created`)).map((e) => e.object_id)).toEqual([b.id]);
    expect((await ok(`created_datetime%5Blte%5D=${at}&types=ticket-created`)).map((e) => e.object_id)).toEqual([a.id]);
    expect(await ok(`created_datetime%5Blt%5D=${at}&types=ticket-created`)).toEqual([]);
    const p1 = await json(`/${sub}/api/events?limit=2&order_by=created_datetime:asc`);
    const p2 = await json(`/${sub}/api/events?limit=2&order_by=created_datetime:asc&cursor=${p1.body.meta.next_cursor}`);
    expect(p2.body.data[0].id).toBeGreaterThan(p1.body.data[1].id);
    for (const bad of [
      'types=ticket-created,ticket-closed',
      'types=ticket-exploded',
      'user_ids=1&user_ids=2',
      'user_ids=x',
      'limit=101',
      'order_by=updated_datetime:desc',
      'object_id=abc',
    ]) {
      const r = await json(`/${sub}/api/events?${bad}`);
      expect([bad, r.status]).toEqual([bad, 400]);
    }
  });

  it('data shape: datetimes with microseconds and +00:00, attachments null on some messages', () => {
    const { acct } = fresh({ tickets: 40, messages: 200 });
    const snap = acct.snapshot();
    for (const t of snap.tickets) for (const k of ['created_datetime', 'updated_datetime']) expect(t[k]).toMatch(DATETIME);
    expect(snap.messages.some((m) => !/\.\d{3}000\+/.test(m.created_datetime))).toBe(true); // real microseconds, not padding
    expect(snap.messages.filter((m) => m.attachments === null).length).toBeGreaterThan(10);
    expect(snap.messages.some((m) => Array.isArray(m.attachments) && m.attachments.length === 0)).toBe(true);
    expect(snap.messages.some((m) => (m.attachments?.length ?? 0) > 0)).toBe(true);
  });

  it('the 429 body is an option: HTML by default, JSON or empty on request', async () => {
    const limited = await startGorgiasSimulator({ port: 0, rateLimit: { limit: 1, windowSeconds: 1000 } });
    try {
      const acct = limited.addAccount({ subdomain: 'tight', email: EMAIL, apiKey: KEY, seed: 1, tickets: 1 });
      const call = () =>
        fetch(`${limited.baseUrl}/tight/api/account`, { headers }).then(async (r) => ({
          status: r.status,
          type: r.headers.get('content-type'),
          text: await r.text(),
        }));
      expect((await call()).status).toBe(200);
      const html = await call();
      expect(html).toMatchObject({ status: 429, type: expect.stringContaining('text/html') });
      expect(() => JSON.parse(html.text)).toThrow();
      acct.setBehaviour({ rateLimitBody: 'json' });
      expect(JSON.parse((await call()).text)).toEqual({ error: { msg: expect.any(String) } });
      acct.setBehaviour({ rateLimitBody: 'empty' });
      expect((await call()).text).toBe('');
    } finally {
      await limited.close();
    }
  });

  it('the control API drives trash, restore, merge, message update/delete and behaviour', async () => {
    const { acct, sub } = fresh({ tickets: 4, messages: 12 });
    const ctl = (path: string, method = 'POST', body: unknown = {}) =>
      fetch(`${sim.baseUrl}/__control/${sub}/${path}`, { method, body: method === 'GET' ? undefined : JSON.stringify(body) }).then(
        async (r) => ({ status: r.status, body: (await r.json()) as any }),
      );
    const [a, b] = acct.snapshot().tickets;
    expect((await ctl(`tickets/${a.id}/trash`)).body.trashed_datetime).toMatch(DATETIME);
    expect((await ctl(`tickets/${a.id}/restore`)).body.trashed_datetime).toBeNull();
    const m = (await json(`/${sub}/api/tickets/${b.id}`)).body.messages[0];
    expect((await ctl(`tickets/${b.id}/messages/${m.id}`, 'PATCH', { failed_datetime: 'now' })).body.failed_datetime).toMatch(DATETIME);
    expect((await ctl(`tickets/${b.id}/messages/${m.id}`, 'DELETE')).status).toBe(200);
    expect((await ctl(`tickets/${b.id}/merge`, 'POST', { into: a.id })).body.id).toBe(a.id);
    expect((await json(`/${sub}/api/tickets/${b.id}`)).status).toBe(404);
    expect((await ctl('behaviour', 'POST', { eventDataIds: true })).body.eventDataIds).toBe(true);
    expect((await ctl('behaviour', 'GET')).body).toMatchObject({ eventDataIds: true, trashMovesUpdatedDatetime: false });
    expect((await ctl('behaviour', 'POST', { eventDataIds: 'yes' })).status).toBe(400);
  });
});
