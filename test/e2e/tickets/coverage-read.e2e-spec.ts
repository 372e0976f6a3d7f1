import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { COVERAGE_A1, COVERAGE_B1, COVERAGE_TENANT_A, COVERAGE_TENANT_B, createdOf, seedCoverage } from '../../support/coverage-read-seed';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * The coverage read API (issue 24, item 3) against seeded rows (see coverage-read-seed.ts): each Ticket
 * field, each filter, history paging, the agents/teams/tags queries, tenant isolation, one SQL statement
 * per field per page (DataLoader), query cost, and input errors.
 */

/** SQL statements sent by any pg Client in this process while `counting` (the app runs in-process). */
const sqlLog: string[] = [];
let counting = false;
const originalQuery = Client.prototype.query;
(Client.prototype as any).query = function (this: Client, ...args: any[]) {
  if (counting) {
    const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
    sqlLog.push(String(text).replace(/\s+/g, ' ').slice(0, 4000));
  }
  return (originalQuery as any).apply(this, args);
};

const min = (ticket: number, minutes: number) => new Date(createdOf(ticket).getTime() + minutes * 60_000).toISOString();

describe('coverage reads: agents, teams, tags, surveys, custom fields, history', () => {
  let t: TestApp;
  let reader: string;
  let readerB: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seedCoverage(t.app.get(DataSource));
    reader = t.token(COVERAGE_TENANT_A, 'reader');
    readerB = t.token(COVERAGE_TENANT_B, 'reader');
  });
  afterAll(async () => {
    await t?.close();
  });

  const gql = async (query: string, variables?: Record<string, unknown>, token = reader) => {
    const r = await t.gql(query, variables, token);
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data;
  };
  const ticket = async (externalId: string, fields: string, token = reader) =>
    (
      await gql(
        `query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) { ${fields} } }`,
        { c: token === reader ? COVERAGE_A1 : COVERAGE_B1, e: externalId },
        token,
      )
    ).ticketByExternalId;
  const listIds = async (filter: Record<string, unknown>, token = reader) =>
    (await gql(`query($f: TicketFilter) { tickets(filter: $f) { nodes { externalId } } }`, { f: filter }, token)).tickets.nodes.map(
      (n: any) => n.externalId,
    );

  it('answers every coverage field of a ticket', async () => {
    const t1001 = await ticket(
      '1001',
      `assignee { externalId name email role active } team { externalId name } tagList { externalId name }
       satisfaction { externalId score comment sentAt scoredAt } customFields { fieldId label value }
       spam snoozedUntil firstAgentReplyAt`,
    );
    expect(t1001).toEqual({
      assignee: { externalId: '101', name: 'Alice', email: 'alice@acme.test', role: 'agent', active: true },
      team: { externalId: '201', name: 'Billing' },
      tagList: [
        { externalId: '301', name: 'refund' },
        { externalId: '302', name: 'vip' },
      ],
      satisfaction: { externalId: '9001', score: 5, comment: 'Great', sentAt: min(1001, 24 * 60), scoredAt: min(1001, 26 * 60) },
      customFields: [
        { fieldId: '401', label: 'Order number', value: 'A-1' },
        { fieldId: '402', label: 'Reason', value: '["damaged","late"]' },
      ],
      spam: false,
      snoozedUntil: null,
      firstAgentReplyAt: min(1001, 30),
    });
    const t1004 = await ticket(
      '1004',
      'assignee { externalId } team { name } tagList { externalId name } satisfaction { score } customFields { label } spam snoozedUntil firstAgentReplyAt',
    );
    expect(t1004).toEqual({
      assignee: null,
      team: null,
      // 305 is not in the tags list yet: named by the ticket's own copy.
      tagList: [
        { externalId: '305', name: 'late' },
        { externalId: '302', name: 'vip' },
      ],
      satisfaction: null,
      customFields: [],
      spam: true,
      snoozedUntil: '2025-03-01T09:00:00.000Z',
      firstAgentReplyAt: null,
    });
    // An assignee Gorgias named before its users list shows it keeps its id; a deleted team still answers.
    expect(await ticket('1005', 'assignee { externalId name active } team { externalId name }')).toEqual({
      assignee: { externalId: '999', name: null, active: true },
      team: { externalId: '203', name: 'Gone' },
    });
    // A value whose definition is not synced is labelled by its field id; an unscored survey has no score.
    expect(await ticket('1002', 'customFields { fieldId label value }')).toEqual({
      customFields: [
        { fieldId: '499', label: '499', value: 'x' },
        { fieldId: '401', label: 'Order number', value: 'A-2' },
      ],
    });
    expect(await ticket('1003', 'satisfaction { score scoredAt sentAt }')).toEqual({
      satisfaction: { score: null, scoredAt: null, sentAt: min(1003, 24 * 60) },
    });
  });

  it('answers the history oldest first, with the agents and teams it names', async () => {
    const h = (
      await ticket(
        '1001',
        'history { totalCount nodes { externalId type at actor { name } assignee { name } team { name } status tagsAdded tagsRemoved } }',
      )
    ).history;
    expect(h.totalCount).toBe(5);
    expect(h.nodes).toEqual([
      {
        externalId: '50001',
        type: 'ticket-assigned',
        at: min(1001, 5),
        actor: { name: 'Alice' },
        assignee: { name: 'Bob' },
        team: null,
        status: null,
        tagsAdded: [],
        tagsRemoved: [],
      },
      {
        externalId: '50002',
        type: 'ticket-assigned',
        at: min(1001, 10),
        actor: { name: 'Bob' },
        assignee: { name: 'Alice' },
        team: null,
        status: null,
        tagsAdded: [],
        tagsRemoved: [],
      },
      {
        externalId: '50003',
        type: 'ticket-team-assigned',
        at: min(1001, 11),
        actor: { name: 'Alice' },
        assignee: null,
        team: { name: 'Billing' },
        status: null,
        tagsAdded: [],
        tagsRemoved: [],
      },
      {
        externalId: '50004',
        type: 'ticket-tags-added',
        at: min(1001, 12),
        actor: { name: 'Alice' },
        assignee: null,
        team: null,
        status: null,
        tagsAdded: ['refund'],
        tagsRemoved: [],
      },
      {
        externalId: '50005',
        type: 'ticket-closed',
        at: min(1001, 40),
        actor: { name: 'Alice' },
        assignee: null,
        team: null,
        status: 'closed',
        tagsAdded: [],
        tagsRemoved: [],
      },
    ]);
    expect((await ticket('1004', 'history { totalCount nodes { externalId } pageInfo { hasNextPage endCursor } }')).history).toEqual({
      totalCount: 0,
      nodes: [],
      pageInfo: { hasNextPage: false, endCursor: null },
    });
  });

  it('pages the history with first/after, ties at one instant ordered by id, nothing lost or repeated', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const r: any = (
        await gql(
          `query($c: ID!, $after: String) { ticketByExternalId(connectorId: $c, externalId: "1006") {
             history(first: 3, after: $after) { totalCount nodes { externalId status } pageInfo { hasNextPage endCursor } } } }`,
          { c: COVERAGE_A1, after },
        )
      ).ticketByExternalId.history;
      expect(r.totalCount).toBe(7);
      seen.push(...r.nodes.map((n: any) => n.externalId));
      pages++;
      if (!r.pageInfo.hasNextPage) break;
      after = r.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['50060', '50061', '50062', '50063', '50064', '50065', '50066']);
  });

  it('filters by assignee, team, tag (ignoring case) and minimum satisfaction score, alone and together', async () => {
    expect(await listIds({ connectorId: COVERAGE_A1, assigneeExternalId: '101' })).toEqual(['1003', '1001']);
    expect(await listIds({ assigneeExternalId: '102' })).toEqual(['1006', '1002']);
    expect(await listIds({ teamExternalId: '201' })).toEqual(['1001']);
    expect(await listIds({ tag: 'REFUND' })).toEqual(['1005', '1002', '1001']);
    expect(await listIds({ tag: 'vip' })).toEqual(['1004', '1001']);
    expect(await listIds({ tag: 'nope' })).toEqual([]);
    expect(await listIds({ minSatisfactionScore: 4 })).toEqual(['1005', '1001']);
    expect(await listIds({ minSatisfactionScore: 1 })).toEqual(['1005', '1002', '1001']); // 1003's survey is not scored
    expect(await listIds({ tag: 'refund', minSatisfactionScore: 3, assigneeExternalId: '101' })).toEqual(['1001']);
    const count = await gql(`{ tickets(filter: { tag: "refund", minSatisfactionScore: 3 }) { totalCount } }`);
    expect(count.tickets.totalCount).toBe(2);
  });

  it("lists a connector's agents, teams and tags by name, without deleted or merged ones", async () => {
    const d = await gql(
      `query($c: ID!) { agents(connectorId: $c) { externalId name role active } teams(connectorId: $c) { externalId name }
         tags(connectorId: $c) { externalId name } }`,
      { c: COVERAGE_A1 },
    );
    expect(d.agents).toEqual([
      { externalId: '101', name: 'Alice', role: 'agent', active: true },
      { externalId: '102', name: 'Bob', role: 'agent', active: true },
      { externalId: '103', name: 'Carol', role: 'admin', active: false },
    ]);
    expect(d.teams).toEqual([
      { externalId: '201', name: 'Billing' },
      { externalId: '202', name: 'Shipping' },
    ]);
    expect(d.tags).toEqual([
      { externalId: '301', name: 'refund' },
      { externalId: '303', name: 'shipping' },
      { externalId: '302', name: 'vip' },
    ]);
  });

  it("never shows another tenant's rows, even where the Gorgias ids are the same", async () => {
    // Tenant A asking for tenant B's connector: empty, not B's directory.
    const d = await gql(
      `query($c: ID!) { agents(connectorId: $c) { name } teams(connectorId: $c) { name } tags(connectorId: $c) { name } }`,
      { c: COVERAGE_B1 },
    );
    expect(d).toEqual({ agents: [], teams: [], tags: [] });
    expect(await listIds({ connectorId: COVERAGE_B1 })).toEqual([]);
    // Tenant A's filters never match B's tickets (B's 1001 has tag refund, score 1, assignee 101).
    expect(await listIds({ assigneeExternalId: '101', minSatisfactionScore: 1 })).toEqual(['1001']);
    // Tenant B sees its own names for the same ids.
    const b = await ticket(
      '1001',
      'assignee { name } team { name } tagList { name } satisfaction { score } history { nodes { actor { name } } }',
      readerB,
    );
    expect(b).toEqual({
      assignee: { name: 'Mallory' },
      team: { name: 'Other team' },
      tagList: [{ name: 'refund' }],
      satisfaction: { score: 1 },
      history: { nodes: [{ actor: { name: 'Mallory' } }] },
    });
    expect(await listIds({ tag: 'refund' }, readerB)).toEqual(['1001']);
  });

  it('reads each coverage field of a page in one statement, whatever the page size (DataLoader)', async () => {
    const query = `query($n: Int) { tickets(first: $n) { nodes { externalId
      assignee { name } team { name } tagList { name } satisfaction { score } customFields { label }
      history { nodes { actor { name } assignee { name } team { name } } } } } }`;
    const statementsFor = async (n: number) => {
      await gql(query, { n }); // warm: prepared statements, loaders
      sqlLog.length = 0;
      counting = true;
      try {
        const d = await gql(query, { n });
        expect(d.tickets.nodes).toHaveLength(n);
      } finally {
        counting = false;
      }
      return sqlLog.filter((s) => !/^(BEGIN|COMMIT|DEALLOCATE)/i.test(s));
    };
    const two = await statementsFor(2);
    const six = await statementsFor(6);
    expect(six.length).toBe(two.length);
    // The page, then one statement per table the fields read: agents twice at most (the tickets' assignees,
    // then the history's actors not already loaded), teams likewise.
    const on = (table: string) => six.filter((s) => new RegExp(`\\b(FROM|JOIN) ${table}\\b`).test(s)).length;
    expect(on('ticket_tags')).toBe(1);
    expect(on('satisfaction_surveys')).toBe(1);
    expect(on('ticket_custom_field_values')).toBe(1);
    expect(on('ticket_events')).toBe(1); // the pages and their totals, one statement
    expect(on('agents')).toBeLessThanOrEqual(2);
    expect(on('teams')).toBeLessThanOrEqual(2);
    expect(six.length).toBeLessThanOrEqual(9);
    // Every statement carries the tenant.
    expect(six.filter((s) => !/tenant_id/.test(s))).toEqual([]);
  });

  it('prices the coverage fields: a history of 100 per ticket of a 100-ticket page is refused, a page of 10 is not', async () => {
    const fields = (first: number) =>
      `tagList { externalId name } customFields { fieldId label value } history(first: ${first}) { nodes { externalId type at } }`;
    const big = await t.gql(`{ tickets(first: 100) { nodes { ${fields(100)} } } }`, undefined, reader);
    expect(big.errors?.[0].message).toMatch(/too complex/);
    const small = await t.gql(`{ tickets(first: 100) { nodes { ${fields(10)} } } }`, undefined, reader);
    expect(small.errors).toBeUndefined();
    // tagList and customFields are priced as lists too: without them this passes, with them it does not.
    const lists = 'tagList { externalId name } customFields { fieldId label value }';
    const heavy = `history(first: 50) { nodes { externalId type at status } }`;
    expect((await t.gql(`{ tickets(first: 70) { nodes { ${heavy} } } }`, undefined, reader)).errors).toBeUndefined();
    expect((await t.gql(`{ tickets(first: 70) { nodes { ${heavy} ${lists} } } }`, undefined, reader)).errors?.[0].message).toMatch(
      /too complex/,
    );
  });

  it('refuses bad input naming the argument, and needs a token', async () => {
    const bad = async (query: string, field: string) => {
      const r = await t.gql(query, undefined, reader);
      expect(r.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(JSON.stringify(r.errors[0])).toContain(field);
    };
    await bad(`{ tickets(filter: { assigneeExternalId: "alice" }) { nodes { id } } }`, 'assigneeExternalId');
    await bad(`{ tickets(filter: { teamExternalId: "-1" }) { nodes { id } } }`, 'teamExternalId');
    await bad(`{ tickets(filter: { minSatisfactionScore: 6 }) { nodes { id } } }`, 'minSatisfactionScore');
    await bad(`{ agents(connectorId: "not-a-uuid") { name } }`, 'connectorId');
    await bad(`{ tickets { nodes { history(after: "garbage") { nodes { type } } } } }`, 'after');
    await bad(`{ tickets { nodes { history(first: 101) { nodes { type } } } } }`, 'first');
    const anon = await t.gql(`query($c: ID!) { agents(connectorId: $c) { name } }`, { c: COVERAGE_A1 }, null);
    expect(anon.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const admin = await t.gql(`query($c: ID!) { tags(connectorId: $c) { name } }`, { c: COVERAGE_A1 }, t.token(COVERAGE_TENANT_A, 'admin'));
    expect(admin.data.tags).toHaveLength(3);
  });
});
