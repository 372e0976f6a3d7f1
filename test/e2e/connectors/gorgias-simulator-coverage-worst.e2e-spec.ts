/**
 * The worst cases of the coverage objects (issue 24): an event for an object the API does not show yet, a
 * user deactivated, a tag merged, a survey scored days after it was sent.
 */
import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';
import { coverageHttp } from '../../support/sim-coverage-http';

describe('Gorgias simulator: coverage worst cases', () => {
  let sim: GorgiasSimulator;
  const { json, fresh, walk, events } = coverageHttp(() => sim, 'covw');

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
  });
  afterAll(() => sim?.close());

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
    // Default: no survey event types exist, so a filter naming one is refused; the option records and accepts them.
    expect((await json(`/${sub}/api/events?types=satisfaction-survey-updated`)).status).toBe(400);
    acct.setBehaviour({ surveyEvents: true, surveyScoreMovesTicketUpdatedDatetime: true });
    acct.coverage.scoreSurvey(sent.id, 5);
    const surveyEvents = await events(sub, '&types=satisfaction-survey-created&types=satisfaction-survey-updated');
    expect(surveyEvents.map((e) => [e.type, e.object_id])).toEqual([['satisfaction-survey-updated', sent.id]]);
    expect((await json(`/${sub}/api/tickets/${t.id}`)).body.updated_datetime).not.toBe(t.updated_datetime);
  });
});
