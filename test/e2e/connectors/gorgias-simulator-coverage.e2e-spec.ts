/**
 * The simulator's users, teams, tags, satisfaction surveys and custom fields (issue 24), over HTTP: lists
 * and cursors, the ticket fields, the events and triggers each ticket change records, the control API, stats.
 */
import { GorgiasSimulator, startGorgiasSimulator, WORST_CASE } from '../../gorgias-simulator';
import { COVERAGE_EMAIL as EMAIL, coverageHeaders, coverageHttp } from '../../support/sim-coverage-http';

const DATETIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/;

describe('Gorgias simulator: coverage objects', () => {
  let sim: GorgiasSimulator;
  const { json, control, fresh, walk, events } = coverageHttp(() => sim, 'cov');

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
  });
  afterAll(() => sim?.close());

  it('defaults to the worst case of the coverage options; the new objects use the API datetime form', () => {
    const { acct } = fresh({ tickets: 40 });
    expect(acct.behaviour()).toEqual(WORST_CASE);
    expect(WORST_CASE).toEqual({
      trashMovesUpdatedDatetime: false,
      trashedTicketMessagesListed: false,
      mergeRecordsTicketDeleted: false,
      mergeMovesTargetUpdatedDatetime: false,
      messageChangeMovesTicketUpdatedDatetime: false,
      eventDataIds: false,
      rateLimitBody: 'html',
      deactivatedUsersListed: false,
      newObjectListLagMs: 1000,
      tagMergeRecordsTicketEvents: false,
      surveyScoreMovesTicketUpdatedDatetime: false,
      surveyEvents: false,
    });
    expect(() => acct.setBehaviour({ newObjectListLagMs: -1 })).toThrow(/newObjectListLagMs/);
    const cov = acct.coverage.snapshot();
    const objects = [...cov.users, ...cov.teams, ...cov.tags, ...cov.surveys, ...cov.customFields, ...acct.snapshot().tickets];
    for (const o of objects) {
      for (const [k, v] of Object.entries(o)) if (k.endsWith('_datetime') && v !== null) expect(v).toMatch(DATETIME);
    }
    expect(cov.surveys.length).toBeGreaterThan(0);
    expect(cov.surveys.every((s) => s.created_datetime === s.sent_datetime)).toBe(true);
  });

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
    // Deliveries held back (never sent): only which triggers fire matters here.
    acct.setWebhookDelivery({ delayMs: 600_000 });
    const triggers = { 'ticket-assignment-updated': true, 'ticket-status-updated': true };
    const http = {
      url: 'http://127.0.0.1:9/hook',
      method: 'POST',
      request_content_type: 'application/json',
      headers: {},
      form: {},
      triggers,
    };
    const hook = await fetch(`${sim.baseUrl}/${sub}/api/integrations`, {
      method: 'POST',
      headers: { ...coverageHeaders, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'http', name: 'history', http }),
    });
    expect(hook.status).toBe(201);
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
    // Assignment triggers on user and team changes (4), status triggers on close and reopen (2).
    const fired = acct.webhookDeliveries().map((d) => d.trigger);
    expect(fired.filter((x) => x === 'ticket-assignment-updated').length).toBe(4);
    expect(fired.filter((x) => x === 'ticket-status-updated').length).toBe(2);

    acct.setBehaviour({ eventDataIds: true });
    c.assignUser(t.id, agent.id);
    c.addTags(t.id, [tagA.id]);
    const withData = (await events(sub, `&object_id=${t.id}&types=ticket-assigned&types=ticket-tags-added`)).slice(-2);
    expect(withData.map((e) => e.data)).toEqual([
      { ticket_id: t.id, assignee_user_id: agent.id },
      { ticket_id: t.id, tag_ids: [tagA.id] },
    ]);
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
