import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, waitForRun } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@acme.test';
const KEY = 'coverage-read-key-0123';

const TICKET_FIELDS = `externalId spam snoozedUntil firstAgentReplyAt assignee { externalId } tagList { externalId name }
  customFields { fieldId value }`;

/**
 * The coverage fields read back after a real sync against the simulator (issue 24): what the API answers for
 * each ticket is what Gorgias has, field by field (assignee, tags with ids and names, custom field values,
 * spam, snooze, the first public agent message). The sync is the coverage write path; the reads are this
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
    for (const g of tickets as any[]) {
      const got = byId.get(String(g.id));
      const want = {
        externalId: String(g.id),
        spam: !!g.spam,
        snoozedUntil: g.snooze_datetime ? new Date(g.snooze_datetime).toISOString() : null,
        firstAgentReplyAt: firstReply.has(g.id) ? new Date(firstReply.get(g.id)!).toISOString() : null,
        assignee: g.assignee_user ? { externalId: String(g.assignee_user.id) } : null,
        tagList: (g.tags ?? []).map((x: any) => ({ externalId: String(x.id), name: x.name })),
        customFields: Object.values(g.custom_fields ?? {})
          .filter((v: any) => v.value != null)
          .map((v: any) => ({ fieldId: String(v.id), value: asText(v.value) })),
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
    }
    expect(diffs.slice(0, 5)).toEqual([]);
    // The comparison covered each kind of value.
    expect(Math.min(withAssignee, withTags, withFields, withReply)).toBeGreaterThan(5);
  });
});
