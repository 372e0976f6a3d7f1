import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, TRIGGER, waitForRun } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@acme.test';
const KEY = 'coverage-read-key-0123';

const TICKET_FIELDS = `externalId spam snoozedUntil firstAgentReplyAt assignee { externalId name email } team { externalId name }
  tagList { externalId name } customFields { fieldId value } satisfaction { externalId score comment sentAt scoredAt }`;
const iso = (v: string | null | undefined) => (v ? new Date(v).toISOString() : null);

/**
 * The coverage fields read back after a real sync against the simulator (issue 24): what the API answers for
 * each ticket is what Gorgias has, field by field (assignee, team, tags with ids and names, custom field values,
 * survey, spam, snooze, the first public agent message), the directory lists what Gorgias has, and a
 * reassignment, team change and close made in Gorgias reach the ticket's history on the next poll. The sync is the coverage write path; the reads are this
 * API's: the two meet here. (Seeded-row checks of every field, filter and edge: coverage-read.e2e-spec.ts.)
 */
describe('coverage fields after a real sync', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('covsync');
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    t = await startTestApp({
      env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' },
    });
    admin = t.token(tenant, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('answers each ticket as Gorgias has it', async () => {
    const acct = sim.addAccount({ subdomain: 'covread', email: EMAIL, apiKey: KEY, seed: 7, tickets: 80 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'covread' });
    expect(await waitForRun(t, admin, id)).toMatchObject({ status: 'SUCCEEDED' });
    const reader = t.token(tenant, 'reader');
    const read = await t.gql(
      `query($c: ID!) { tickets(filter: { connectorId: $c, includeDeleted: true }, first: 100) { nodes { ${TICKET_FIELDS} } } }`,
      { c: id },
      reader,
    );
    expect(read.errors).toBeUndefined();
    const byId = new Map<string, any>(read.data.tickets.nodes.map((n: any) => [n.externalId, n]));

    const { tickets, messages } = acct.snapshot();
    const cov = acct.coverage.snapshot();
    const users = new Map(cov.users.map((u) => [u.id, u]));
    const teams = new Map(cov.teams.map((x) => [x.id, x]));
    const surveys = new Map(cov.surveys.map((x) => [x.ticket_id, x]));
    expect(byId.size).toBe(tickets.length);
    const firstReply = new Map<number, number>();
    for (const m of messages as any[]) {
      if (!m.from_agent || !m.public || m.deleted_datetime) continue;
      const at = Date.parse(m.created_datetime);
      if (!(firstReply.get(m.ticket_id)! <= at)) firstReply.set(m.ticket_id, at);
    }
    const asText = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
    const diffs: string[] = [];
    let withAssignee = 0;
    let withTags = 0;
    let withFields = 0;
    let withReply = 0;
    let withTeam = 0;
    let withSurvey = 0;
    for (const g of tickets as any[]) {
      const got = byId.get(String(g.id));
      const want = {
        externalId: String(g.id),
        spam: !!g.spam,
        snoozedUntil: g.snooze_datetime ? new Date(g.snooze_datetime).toISOString() : null,
        firstAgentReplyAt: firstReply.has(g.id) ? new Date(firstReply.get(g.id)!).toISOString() : null,
        assignee: g.assignee_user
          ? {
              externalId: String(g.assignee_user.id),
              name: users.get(g.assignee_user.id)?.name ?? null,
              email: users.get(g.assignee_user.id)?.email ?? null,
            }
          : null,
        team: g.assignee_team ? { externalId: String(g.assignee_team.id), name: teams.get(g.assignee_team.id)!.name } : null,
        tagList: (g.tags ?? []).map((x: any) => ({ externalId: String(x.id), name: x.name })),
        customFields: Object.values(g.custom_fields ?? {})
          .filter((v: any) => v.value != null)
          .map((v: any) => ({ fieldId: String(v.id), value: asText(v.value) })),
        satisfaction: surveys.has(g.id)
          ? (({ id: sid, score, body_text, sent_datetime, scored_datetime }: any) => ({
              externalId: String(sid),
              score: score ?? null,
              comment: body_text ?? null,
              sentAt: iso(sent_datetime),
              scoredAt: iso(scored_datetime),
            }))(surveys.get(g.id))
          : null,
      };
      // Tags come by name and values by label (the database's collation): compared as sets.
      const byKey = (list: any[], key: string) => [...(list ?? [])].sort((x, y) => Number(x[key]) - Number(y[key]));
      const norm = (v: any) => v && { ...v, tagList: byKey(v.tagList, 'externalId'), customFields: byKey(v.customFields, 'fieldId') };
      const a = JSON.stringify(norm(got));
      const b = JSON.stringify(norm(want));
      if (a !== b) diffs.push(`ticket ${g.id}:\n  api ${a}\n  gorgias ${b}`);
      if (want.assignee) withAssignee++;
      if (want.tagList.length) withTags++;
      if (want.customFields.length) withFields++;
      if (want.firstAgentReplyAt) withReply++;
      if (want.team) withTeam++;
      if (want.satisfaction?.score) withSurvey++;
    }
    expect(diffs.slice(0, 5)).toEqual([]);
    // The comparison covered each kind of value.
    expect(Math.min(withAssignee, withTags, withFields, withReply, withTeam, withSurvey)).toBeGreaterThan(3);

    // The directory: every user, team and tag Gorgias has, as the API lists them (by name).
    const dir = await t.gql(
      `query($c: ID!) { agents(connectorId: $c) { externalId name email role active } teams(connectorId: $c) { externalId name }
         tags(connectorId: $c) { externalId name } }`,
      { c: id },
      reader,
    );
    const sortById = (list: any[]) => [...list].sort((x, y) => Number(x.externalId) - Number(y.externalId));
    expect(sortById(dir.data.agents)).toEqual(
      sortById(
        cov.users.map((u) => ({
          externalId: String(u.id),
          name: u.name ?? null,
          email: u.email ?? null,
          role: u.role?.name ?? null,
          active: u.active !== false,
        })),
      ),
    );
    expect(sortById(dir.data.teams)).toEqual(sortById(cov.teams.map((x) => ({ externalId: String(x.id), name: x.name }))));
    expect(sortById(dir.data.tags)).toEqual(sortById(cov.tags.map((x) => ({ externalId: String(x.id), name: x.name }))));

    // Changes made in Gorgias reach a ticket's history on the next poll, with the agents and team they name.
    const open = (tickets as any[]).filter((x) => x.status !== 'closed' && !x.trashed_datetime);
    const [a] = open;
    const actor = cov.users[0];
    const newAssignee = cov.users.find((u) => u.id !== a.assignee_user?.id && u.id !== actor.id)!;
    const team = cov.teams.find((x) => x.id !== a.assignee_team?.id)!;
    acct.coverage.assignUser(a.id, newAssignee.id, { by: actor.id });
    acct.coverage.assignTeam(a.id, team.id, { by: actor.id });
    acct.coverage.closeTicket(a.id, { by: actor.id });
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run.status).toBe('SUCCEEDED');
    const h = await t.gql(
      `query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) {
         assignee { externalId } team { externalId } status
         history { totalCount nodes { type actor { name } assignee { name } team { name } status } } } }`,
      { c: id, e: String(a.id) },
      reader,
    );
    expect(h.errors).toBeUndefined();
    const got = h.data.ticketByExternalId;
    expect(got).toMatchObject({
      assignee: { externalId: String(newAssignee.id) },
      team: { externalId: String(team.id) },
      status: 'closed',
    });
    expect(got.history.nodes).toEqual([
      { type: 'ticket-assigned', actor: { name: actor.name }, assignee: { name: newAssignee.name }, team: null, status: null },
      { type: 'ticket-team-assigned', actor: { name: actor.name }, assignee: null, team: { name: team.name }, status: null },
      { type: 'ticket-closed', actor: { name: actor.name }, assignee: null, team: null, status: 'closed' },
    ]);
    // The filters see the change.
    const mine = await t.gql(
      `query($f: TicketFilter) { tickets(filter: $f, first: 100) { nodes { externalId } } }`,
      { f: { connectorId: id, assigneeExternalId: String(newAssignee.id), teamExternalId: String(team.id), status: 'closed' } },
      reader,
    );
    expect(mine.data.tickets.nodes.map((n: any) => n.externalId)).toContain(String(a.id));
  });
});
