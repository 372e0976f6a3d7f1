/**
 * The simulator's users, teams, tags, satisfaction surveys and custom fields (issue 24), over HTTP: lists
 * and cursors, the events each ticket change records, and the worst cases (a survey scored days later, a
 * tag merged, a user deactivated, an event for an object the API does not show yet).
 */
import { GorgiasSimulator, SimAccount, startGorgiasSimulator } from './gorgias-simulator';

const EMAIL = 'admin@acme.test';
const KEY = 'sim-coverage-key';
const headers = { authorization: 'Basic ' + Buffer.from(`${EMAIL}:${KEY}`).toString('base64') };

describe('Gorgias simulator: coverage objects', () => {
  let sim: GorgiasSimulator;
  let n = 0;
  const json = async (path: string) => {
    const r = await fetch(`${sim.baseUrl}${path}`, { headers });
    return { status: r.status, body: (await r.json()) as any };
  };
  const control = async (path: string, body: unknown = {}, method = 'POST') => {
    const r = await fetch(`${sim.baseUrl}/__control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  };
  const fresh = (o: { tickets?: number; behaviour?: Record<string, unknown> } = {}): { acct: SimAccount; sub: string } => {
    const sub = `cov${++n}`;
    const acct = sim.addAccount({ subdomain: sub, email: EMAIL, apiKey: KEY, seed: n, tickets: o.tickets ?? 60, behaviour: o.behaviour });
    return { acct, sub };
  };
  /** Every item of a list, page by page with the given limit. */
  const walk = async (sub: string, path: string, limit: number, query = '') => {
    const out: any[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await json(`/${sub}/api/${path}${sep}limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages++;
      out.push(...page.body.data);
      if (!page.body.meta.next_cursor) return { items: out, pages };
      cursor = page.body.meta.next_cursor;
    }
  };
  const events = async (sub: string, query = '') =>
    (await json(`/${sub}/api/events?limit=100&order_by=created_datetime:asc${query}`)).body.data as any[];

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
  });
  afterAll(() => sim?.close());

  it('lists users, teams, tags, surveys and fields with cursors: each item once, created_datetime orders only', async () => {
    const { acct, sub } = fresh();
    const truth = acct.coverage.snapshot();
    for (const [path, expected] of [
      ['users', truth.users.length],
      ['teams', truth.teams.length],
      ['tags', truth.tags.length],
      ['satisfaction-surveys', truth.surveys.length],
    ] as const) {
      const { items, pages } = await walk(sub, path, 2);
      expect(items.length).toBe(expected);
      expect(new Set(items.map((x) => x.id)).size).toBe(expected);
      expect(pages).toBe(Math.ceil(expected / 2));
      const created = items.map((x) => Date.parse(x.created_datetime));
      expect(created).toEqual([...created].sort((a, b) => b - a)); // default created_datetime:desc
    }
    expect(truth.surveys.length).toBeGreaterThan(3);
    const asc = await walk(sub, 'users', 100, '&order_by=created_datetime:asc');
    expect(asc.items.map((u) => u.id)).toEqual(truth.users.map((u) => u.id).sort((a, b) => a - b));
    // No updated order: an edited user is found through its event, not by a list walk.
    expect((await json(`/${sub}/api/users?order_by=updated_datetime:desc`)).status).toBe(400);
    expect((await json(`/${sub}/api/tags?search=ref`)).status).toBe(400);
    const usersPage = await json(`/${sub}/api/users?limit=1`);
    expect((await json(`/${sub}/api/teams?cursor=${usersPage.body.meta.next_cursor}`)).status).toBe(400);
    expect(usersPage.body).toMatchObject({ object: 'list', uri: '/api/users/?limit=1', meta: { prev_cursor: null } });
    expect(usersPage.body.data[0]).toMatchObject({
      id: expect.any(Number),
      email: expect.any(String),
      role: { name: expect.any(String) },
      active: true,
    });
  });

  it('tickets carry assignee_user, assignee_team, tags (ids and names), spam, snooze_datetime and custom_fields by field id', async () => {
    const { acct, sub } = fresh({ tickets: 200 });
    const tickets = (await walk(sub, 'tickets', 100)).items;
    const truth = acct.coverage.snapshot();
    const userIds = new Set(truth.users.map((u) => u.id));
    const tagNames = new Map(truth.tags.map((t) => [t.id, t.name]));
    for (const t of tickets) {
      expect(t).toHaveProperty('spam');
      expect(t).toHaveProperty('snooze_datetime');
      if (t.assignee_user) expect(userIds.has(t.assignee_user.id)).toBe(true);
      for (const tag of t.tags) expect(tagNames.get(tag.id)).toBe(tag.name);
      for (const [k, v] of Object.entries(t.custom_fields)) expect(v).toMatchObject({ id: Number(k) });
    }
    expect(tickets.some((t) => t.assignee_team?.name)).toBe(true);
    const fields = await json(`/${sub}/api/custom-fields?object_type=Ticket`);
    const archived = await json(`/${sub}/api/custom-fields?object_type=Ticket&archived=true`);
    expect(fields.body.data.map((f: any) => f.label).sort()).toEqual(['Contact reason', 'Escalated', 'Items in order', 'Order number']);
    expect(archived.body.data).toEqual([expect.objectContaining({ label: 'Legacy category', deactivated_datetime: expect.any(String) })]);
    // Worst case: tickets hold values of a field the default list leaves out.
    expect(tickets.some((t) => t.custom_fields[String(archived.body.data[0].id)])).toBe(true);
    expect((await json(`/${sub}/api/custom-fields`)).status).toBe(400);
    expect((await json(`/${sub}/api/custom-fields?object_type=Customer`)).body.data).toEqual([]);
  });

  it('each ticket change records its own event with the actor; data null by default, ids with eventDataIds', async () => {
    const { acct, sub } = fresh({ tickets: 5 });
    const [agent] = acct.coverage.snapshot().users;
    const [team] = acct.coverage.snapshot().teams;
    const [tagA, tagB] = acct.coverage.snapshot().tags;
    const t = acct.createTicket({ subject: 'history' });
    const c = acct.coverage;
    c.assignUser(t.id, agent.id, { by: agent.id });
    c.assignTeam(t.id, team.id, { by: agent.id });
    c.addTags(t.id, [tagA.id, tagB.id], { by: agent.id });
    c.removeTags(t.id, [tagA.id], { by: agent.id });
    c.snoozeTicket(t.id, new Date(Date.now() + 86_400_000).toISOString(), { by: agent.id });
    c.closeTicket(t.id, { by: agent.id });
    c.reopenTicket(t.id);
    c.assignUser(t.id, null);
    c.assignTeam(t.id, null);
    c.markSpam(t.id, true);
    const fieldId = acct.coverage.snapshot().customFields[0].id;
    const after = c.setCustomFields(t.id, { [fieldId]: 'Refund' });
    expect(after.custom_fields).toEqual({ [fieldId]: { id: fieldId, value: 'Refund' } });
    const own = (await events(sub, `&object_id=${t.id}`)).filter((e) => e.type !== 'ticket-updated' && e.type !== 'ticket-created');
    expect(own.map((e) => e.type)).toEqual([
      'ticket-assigned',
      'ticket-team-assigned',
      'ticket-tags-added',
      'ticket-tags-removed',
      'ticket-snoozed',
      'ticket-closed',
      'ticket-reopened',
      'ticket-unassigned',
      'ticket-team-unassigned',
      'ticket-marked-spam',
    ]);
    expect(own.slice(0, 6).every((e) => e.user_id === agent.id && e.data === null)).toBe(true);
    expect(own[6].user_id).toBeNull();
    // Each change is a ticket update too (12 changes), and the types filter accepts the new types.
    expect((await events(sub, `&object_id=${t.id}&types=ticket-updated`)).length).toBe(11);
    expect((await events(sub, '&types=ticket-team-assigned&types=ticket-tags-removed')).length).toBe(2);

    acct.setBehaviour({ eventDataIds: true });
    c.assignUser(t.id, agent.id);
    c.addTags(t.id, [tagA.id]);
    const withData = (await events(sub, `&object_id=${t.id}&types=ticket-assigned&types=ticket-tags-added`)).slice(-2);
    expect(withData.map((e) => e.data)).toEqual([
      { ticket_id: t.id, assignee_user_id: agent.id },
      { ticket_id: t.id, tag_ids: [tagA.id] },
    ]);
  });

  it('user, team and tag changes record user-*, team-*, tag-* events; a new object is shown only after newObjectListLagMs', async () => {
    const { acct, sub } = fresh({ tickets: 5, behaviour: { newObjectListLagMs: 400 } });
    const u = acct.coverage.createUser({ name: 'Nia Newcomer', email: 'nia@acme.test' });
    const team = acct.coverage.createTeam({ name: 'Night shift' });
    const tag = acct.coverage.createTag({ name: 'late' });
    // Worst case: the event names an object that the list and the lookup do not show yet.
    expect((await events(sub, '&types=user-created&types=team-created&types=tag-created')).map((e) => [e.type, e.object_id])).toEqual([
      ['user-created', u.id],
      ['team-created', team.id],
      ['tag-created', tag.id],
    ]);
    expect((await json(`/${sub}/api/users/${u.id}`)).status).toBe(404);
    expect((await walk(sub, 'users', 100)).items.map((x) => x.id)).not.toContain(u.id);
    await new Promise((r) => setTimeout(r, 450));
    expect((await json(`/${sub}/api/users/${u.id}`)).body).toMatchObject({ name: 'Nia Newcomer', active: true });
    expect((await walk(sub, 'teams', 100)).items.map((x) => x.id)).toContain(team.id);
    acct.coverage.updateUser(u.id, { name: 'Nia Renamed' });
    acct.coverage.updateTeam(team.id, { name: 'Night' });
    acct.coverage.deleteTeam(team.id);
    acct.coverage.deleteTag(tag.id);
    const types = (await events(sub, '&object_type=User')).map((e) => e.type);
    expect(types).toEqual(['user-created', 'user-updated']);
    expect((await events(sub, '&object_type=Team')).map((e) => e.type)).toEqual(['team-created', 'team-updated', 'team-deleted']);
    expect((await events(sub, '&object_type=Tag')).map((e) => e.type)).toEqual(['tag-created', 'tag-deleted']);
    expect((await json(`/${sub}/api/teams/${team.id}`)).status).toBe(404);
  });

  it('a deactivated user leaves the list (option keeps it) but still answers by id; tickets keep naming it', async () => {
    const { acct, sub } = fresh({ tickets: 80 });
    const assigned = acct.snapshot().tickets.find((t) => t.assignee_user)!;
    const userId = assigned.assignee_user!.id as number;
    acct.coverage.deactivateUser(userId);
    expect((await walk(sub, 'users', 100)).items.map((x) => x.id)).not.toContain(userId);
    expect((await json(`/${sub}/api/users/${userId}`)).body).toMatchObject({ active: false, deactivated_datetime: expect.any(String) });
    expect((await events(sub, '&object_type=User')).map((e) => [e.type, e.object_id])).toEqual([['user-updated', userId]]);
    expect((await json(`/${sub}/api/tickets/${assigned.id}`)).body.assignee_user.id).toBe(userId);
    acct.setBehaviour({ deactivatedUsersListed: true });
    expect((await walk(sub, 'users', 100)).items.map((x) => x.id)).toContain(userId);
  });

  it('a tag merge: source gone without tag-deleted, tickets retagged silently; the option records ticket events', async () => {
    for (const recordsTicketEvents of [false, true]) {
      const { acct, sub } = fresh({ tickets: 120, behaviour: { tagMergeRecordsTicketEvents: recordsTicketEvents } });
      const [src, dst] = acct.coverage.snapshot().tags;
      const carriers = acct.snapshot().tickets.filter((t) => t.tags?.some((x) => x.id === src.id));
      expect(carriers.length).toBeGreaterThan(0);
      acct.coverage.mergeTags(src.id, dst.id);
      expect((await json(`/${sub}/api/tags/${src.id}`)).status).toBe(404);
      expect((await walk(sub, 'tags', 100)).items.map((x) => x.id)).not.toContain(src.id);
      const merged = await events(sub, '&object_type=Tag');
      expect(merged.map((e) => [e.type, e.object_id, e.data])).toEqual([['tag-merged', dst.id, null]]);
      for (const before of carriers) {
        const now = (await json(`/${sub}/api/tickets/${before.id}`)).body;
        expect(now.tags.map((x: any) => x.id)).toContain(dst.id);
        expect(now.tags.map((x: any) => x.id)).not.toContain(src.id);
        expect(now.updated_datetime === before.updated_datetime).toBe(!recordsTicketEvents);
      }
      expect((await events(sub, '&types=ticket-tags-removed')).length).toBe(recordsTicketEvents ? carriers.length : 0);
    }
  });

  it('a survey is created when sent and scored days later: no event, list position and ticket unmoved', async () => {
    const { acct, sub } = fresh({ tickets: 300 });
    const pending = acct.coverage.snapshot().surveys.filter((s) => s.score === null);
    expect(pending.length).toBeGreaterThan(0);
    const old = pending.sort((a, b) => Date.parse(a.sent_datetime!) - Date.parse(b.sent_datetime!))[0];
    expect(Date.now() - Date.parse(old.sent_datetime!)).toBeGreaterThan(86_400_000); // sent days ago
    const ticketBefore = (await json(`/${sub}/api/tickets/${old.ticket_id}`)).body;
    const eventsBefore = (await events(sub)).length;
    const listBefore = (await walk(sub, 'satisfaction-surveys', 100)).items.map((s) => s.id);
    acct.coverage.scoreSurvey(old.id, 2, 'Too slow');
    expect((await json(`/${sub}/api/satisfaction-surveys/${old.id}`)).body).toMatchObject({
      score: 2,
      body_text: 'Too slow',
      scored_datetime: expect.any(String),
    });
    expect((await walk(sub, 'satisfaction-surveys', 100)).items.map((s) => s.id)).toEqual(listBefore);
    expect((await events(sub)).length).toBe(eventsBefore);
    expect((await json(`/${sub}/api/tickets/${old.ticket_id}`)).body.updated_datetime).toBe(ticketBefore.updated_datetime);
    // One per ticket; a new one is unscored and shown after the lag.
    const t = acct.createTicket({ status: 'closed' });
    const sent = acct.coverage.sendSurvey(t.id);
    expect(sent).toMatchObject({ ticket_id: t.id, score: null, scored_datetime: null, sent_datetime: sent.created_datetime });
    expect(() => acct.coverage.sendSurvey(t.id)).toThrow(/already has/);
    expect(() => acct.coverage.scoreSurvey(sent.id, 6)).toThrow(/1 to 5/);
  });

  it('the control API drives the coverage mutations; stats count the new lists and their pages; scopes guard them', async () => {
    const { acct, sub } = fresh({ tickets: 10, behaviour: { newObjectListLagMs: 0 } });
    const user = await control(`${sub}/users`, { name: 'Ctl Agent' });
    expect(user.status).toBe(201);
    const tag = await control(`${sub}/tags`, { name: 'ctl' });
    const ticketId = acct.snapshot().tickets[0].id;
    expect((await control(`${sub}/tickets/${ticketId}/assign`, { userId: user.body.id, by: user.body.id })).body.assignee_user.id).toBe(
      user.body.id,
    );
    expect((await control(`${sub}/tickets/${ticketId}/tags`, { add: [tag.body.id] })).body.tags.map((x: any) => x.id)).toContain(
      tag.body.id,
    );
    expect((await control(`${sub}/tickets/${ticketId}/close`)).body.status).toBe('closed');
    const closedTicket = await control(`${sub}/tickets`, { status: 'closed' });
    const survey = await control(`${sub}/tickets/${closedTicket.body.id}/survey`);
    expect(survey.status).toBe(201);
    expect((await control(`${sub}/satisfaction-surveys/${survey.body.id}/score`, { score: 5 })).body.score).toBe(5);
    expect((await control(`${sub}/users/${user.body.id}/deactivate`)).body.active).toBe(false);
    expect((await control(`${sub}/tags/${tag.body.id}/merge`, { into: acct.coverage.snapshot().tags[0].id })).status).toBe(200);
    expect((await control(`${sub}/coverage`, undefined, 'GET')).body.users.length).toBe(acct.coverage.snapshot().users.length);
    const assigned = await events(sub, `&object_id=${ticketId}&types=ticket-assigned`);
    expect(assigned).toEqual([expect.objectContaining({ user_id: user.body.id })]);

    const stats = acct.stats().data.coverage;
    const truth = acct.coverage.snapshot();
    expect(stats).toEqual({
      users: truth.users.filter((u) => u.active).length,
      teams: truth.teams.length,
      tags: truth.tags.length,
      satisfactionSurveys: truth.surveys.length,
      customFields: 4,
      archivedCustomFields: 1,
      listPages: 6,
    });
    acct.addKey({ apiKey: 'tickets-only', email: EMAIL, scopes: ['tickets:read'] });
    const r = await fetch(`${sim.baseUrl}/${sub}/api/users`, {
      headers: { authorization: 'Basic ' + Buffer.from(`${EMAIL}:tickets-only`).toString('base64') },
    });
    expect(r.status).toBe(403);
  });
});
