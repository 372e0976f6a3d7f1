import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * The ticket read API against seeded rows: ordering and cursors, every filter, search, deleted
 * tickets, tenant isolation, auth, Connector counts, and the number of SQL queries per request.
 */

const A1 = '0a000000-0000-4000-8000-0000000000a1';
const A2 = '0a000000-0000-4000-8000-0000000000a2';
const B1 = '0b000000-0000-4000-8000-0000000000b1';
const TENANT_A = 'tenant-a';
const TENANT_B = 'tenant-b';
const A1_TICKETS = 60; // external ids 1001..1060, 3 messages each
const A2_TICKETS = 5; // external ids 2001..2005, 2 messages each
const A_LIVE = A1_TICKETS - 2 + A2_TICKETS; // 1059 deleted, 1058 trashed

/** Counts SQL statements sent by any pg Client in this process (the app runs in-process). */
const sqlLog: string[] = [];
let counting = false;
const originalQuery = Client.prototype.query;
(Client.prototype as any).query = function (this: Client, ...args: any[]) {
  if (counting) {
    const text = typeof args[0] === 'string' ? args[0] : args[0]?.text;
    sqlLog.push(String(text).replace(/\s+/g, ' ').slice(0, 160));
  }
  return (originalQuery as any).apply(this, args);
};

async function seed(db: DataSource) {
  await db.query(
    `INSERT INTO connectors (id, tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
     VALUES ($1, $4, 'A one', 'a@acme.test', 'aone', 'x', 'k', '1111', 'ACTIVE'),
            ($2, $4, 'A two', 'a@acme.test', 'atwo', 'x', 'k', '2222', 'ACTIVE'),
            ($3, $5, 'B one', 'b@other.test', 'bone', 'x', 'k', '3333', 'ACTIVE')`,
    [A1, A2, B1, TENANT_A, TENANT_B],
  );
  // A1: updated_at advances every two tickets (ties broken by id), created_at every hour.
  await db.query(
    `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, excerpt, description, status, priority, channel, via,
       customer_external_id, customer_email, customer_name, tags, messages_count, created_at, updated_at, closed_at, payload)
     SELECT $1, $2, 1000 + i, 'Subject ' || i, 'excerpt ' || i, CASE WHEN i % 7 = 0 THEN NULL ELSE 'description ' || i END,
       CASE WHEN i % 2 = 0 THEN 'open' ELSE 'closed' END,
       CASE WHEN i % 3 = 0 THEN 'high' ELSE 'normal' END,
       CASE WHEN i % 4 = 0 THEN 'chat' ELSE 'email' END, 'api',
       5000 + i % 5, CASE WHEN i % 5 = 0 THEN 'Cust0@Example.COM' ELSE 'cust' || (i % 5) || '@example.com' END, 'Customer ' || (i % 5),
       ARRAY['tag' || (i % 3), 'all'], 3,
       '2025-01-01T00:00:00Z'::timestamptz + i * interval '1 hour',
       '2025-02-01T00:00:00Z'::timestamptz + (i / 2) * interval '1 minute' + interval '123 microseconds',
       CASE WHEN i % 2 = 1 THEN '2025-03-01T00:00:00Z'::timestamptz END,
       '{}'::jsonb
     FROM generate_series(1, ${A1_TICKETS}) AS i`,
    [TENANT_A, A1],
  );
  // Messages: created_at runs backwards in j, so conversation order is j = 3, 2, 1.
  await db.query(
    `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, channel, via, from_agent, public,
       sender_email, sender_name, receiver_email, receiver_name, subject, body_text, body_html, attachments, created_at, sent_at, payload)
     SELECT $1, $2, (1000 + i) * 10 + j, 1000 + i, 'email', 'api', j % 2 = 0, j <> 2,
       'cust@example.com', 'Cust', 'support@acme.test', 'Support', 'Re: Subject ' || i, 'body ' || i || ' part ' || j, '<p>body</p>',
       CASE WHEN j = 1 THEN '[{"url": "https://files.test/a.png", "name": "a.png", "size": 123, "content_type": "image/png"}, {"name": "no url"}]'::jsonb ELSE '[]'::jsonb END,
       '2025-01-01T00:00:00Z'::timestamptz + i * interval '1 hour' + (3 - j) * interval '1 minute',
       '2025-01-01T00:00:00Z'::timestamptz + i * interval '1 hour' + (3 - j) * interval '1 minute',
       '{}'::jsonb
     FROM generate_series(1, ${A1_TICKETS}) AS i, generate_series(1, 3) AS j`,
    [TENANT_A, A1],
  );
  await db.query(
    `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, status, created_at, updated_at, payload)
     SELECT $1, $2, 2000 + i, 'Second connector ' || i, 'open', '2024-01-01T00:00:00Z', '2024-06-01T00:00:00Z'::timestamptz + i * interval '1 day', '{}'
     FROM generate_series(1, ${A2_TICKETS}) AS i`,
    [TENANT_A, A2],
  );
  await db.query(
    `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, body_text, created_at, payload)
     SELECT $1, $2, (2000 + i) * 10 + j, 2000 + i, 'second ' || i, '2024-01-01T00:00:00Z'::timestamptz + j * interval '1 second', '{}'
     FROM generate_series(1, ${A2_TICKETS}) AS i, generate_series(1, 2) AS j`,
    [TENANT_A, A2],
  );
  // Tenant B: same external ids, matching words, same customer email.
  await db.query(
    `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, status, customer_email, created_at, updated_at, payload)
     SELECT $1, $2, 1000 + i, 'Zebra of tenant B', 'open', 'cust1@example.com', '2025-01-01T00:00:00Z', '2030-01-01T00:00:00Z', '{}'
     FROM generate_series(1, 3) AS i`,
    [TENANT_B, B1],
  );
  await db.query(
    `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, body_text, created_at, payload)
     VALUES ($1, $2, 99, 1001, 'giraffe of tenant B', '2025-01-01T00:00:00Z', '{}')`,
    [TENANT_B, B1],
  );
  await db.query(
    `INSERT INTO customers (tenant_id, connector_id, external_id, email, name, payload)
     VALUES ($1, $2, 5001, 'stored@example.com', 'Stored Name', '{}'), ($1, $2, 5002, NULL, 'Only Name', '{}')`,
    [TENANT_A, A1],
  );
  await db.query(`UPDATE tickets SET subject = 'Zebra crossing problem' WHERE connector_id = $1 AND external_id = 1010`, [A1]);
  await db.query(`UPDATE messages SET body_text = 'My giraffe is lost somewhere' WHERE connector_id = $1 AND external_id = 10203`, [A1]);
  await db.query(`UPDATE tickets SET deleted_at = '2025-04-01T00:00:00Z' WHERE connector_id = $1 AND external_id = 1059`, [A1]);
  await db.query(`UPDATE tickets SET trashed_at = '2025-04-02T00:00:00Z' WHERE connector_id = $1 AND external_id = 1058`, [A1]);
}

const PAGE = `query($first: Int, $after: String, $filter: TicketFilter) {
  tickets(first: $first, after: $after, filter: $filter) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id externalId connectorId updatedAt } }
  }
}`;

const FULL_PAGE = `query($first: Int) {
  tickets(first: $first) {
    nodes {
      id externalId subject description status priority channel tags messagesCount createdAt updatedAt deletedAt
      customer { externalId email name }
      messages(first: 5) { totalCount nodes { id externalId ticketId bodyText fromAgent public sender { email name } attachments { url } createdAt } }
    }
  }
}`;

jest.setTimeout(120_000);

describe('tickets API', () => {
  let t: TestApp;
  let tokenA: string;
  let tokenB: string;
  const gqlA = (q: string, v?: Record<string, unknown>) => t.gql(q, v, tokenA);

  beforeAll(async () => {
    t = await startTestApp();
    tokenA = t.token(TENANT_A, 'reader');
    tokenB = t.token(TENANT_B, 'admin');
    await seed(t.app.get(DataSource));
  });
  afterAll(async () => {
    (Client.prototype as any).query = originalQuery;
    await t?.close();
  });

  async function all(filter?: Record<string, unknown>, first = 7): Promise<any[]> {
    const out: any[] = [];
    let after: string | null = null;
    for (let i = 0; i < 100; i++) {
      const res: any = await gqlA(PAGE, { first, after, filter });
      expect(res.errors).toBeUndefined();
      out.push(...res.data.tickets.edges.map((e: any) => e.node));
      if (!res.data.tickets.pageInfo.hasNextPage) break;
      after = res.data.tickets.pageInfo.endCursor;
    }
    return out;
  }

  const ext = (nodes: any[]) => nodes.map((n) => Number(n.externalId)).sort((a, b) => a - b);

  it('lists live tickets newest update first, paging with stable cursors (no duplicates, no gaps)', async () => {
    const nodes = await all();
    expect(nodes).toHaveLength(A_LIVE);
    expect(new Set(nodes.map((n) => n.id)).size).toBe(A_LIVE);
    for (let i = 1; i < nodes.length; i++) {
      const prev = nodes[i - 1];
      const cur = nodes[i];
      expect(prev.updatedAt >= cur.updatedAt).toBe(true);
      if (prev.updatedAt === cur.updatedAt) expect(prev.id > cur.id).toBe(true);
    }
    expect(ext(nodes)).not.toContain(1058);
    expect(ext(nodes)).not.toContain(1059);
    // Other page sizes see the same order.
    expect((await all(undefined, 50)).map((n) => n.id)).toEqual(nodes.map((n) => n.id));
    const first = await gqlA(PAGE, { first: 3 });
    expect(first.data.tickets.totalCount).toBe(A_LIVE);
    expect(first.data.tickets.pageInfo.endCursor).toBe(first.data.tickets.edges[2].cursor);
  });

  it('answers a ticket with every field, customer and messages in conversation order', async () => {
    const res = await gqlA(
      `query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1001") {
        id connectorId externalId subject description status priority channel via tags messagesCount createdAt updatedAt closedAt deletedAt trashedAt
        customer { externalId email name }
        messages { totalCount pageInfo { hasNextPage } nodes { id externalId ticketId channel via fromAgent public subject bodyText bodyHtml createdAt sentAt
          sender { email name } receiver { email name } attachments { url name size contentType } } }
      } }`,
      { c: A1 },
    );
    expect(res.errors).toBeUndefined();
    const tk = res.data.ticketByExternalId;
    expect(tk).toMatchObject({
      connectorId: A1,
      externalId: '1001',
      subject: 'Subject 1',
      description: 'description 1',
      status: 'closed',
      priority: 'normal',
      channel: 'email',
      via: 'api',
      tags: ['tag1', 'all'],
      messagesCount: 3,
      closedAt: '2025-03-01T00:00:00.000Z',
      deletedAt: null,
      trashedAt: null,
      customer: { externalId: '5001', email: 'stored@example.com', name: 'Stored Name' },
    });
    const msgs = tk.messages.nodes;
    expect(tk.messages.totalCount).toBe(3);
    expect(msgs.map((m: any) => m.externalId)).toEqual(['10013', '10012', '10011']);
    expect(msgs.every((m: any) => m.ticketId === tk.id)).toBe(true);
    expect(msgs[1]).toMatchObject({
      fromAgent: true,
      public: false,
      sender: { email: 'cust@example.com', name: 'Cust' },
      receiver: { email: 'support@acme.test', name: 'Support' },
    });
    expect(msgs[2].attachments).toEqual([{ url: 'https://files.test/a.png', name: 'a.png', size: 123, contentType: 'image/png' }]);
    expect(msgs[0].attachments).toEqual([]);

    // description falls back to the excerpt; customer falls back to the ticket's columns field by field.
    const seven = await gqlA(
      `query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1007") { description customer { externalId email name } } }`,
      { c: A1 },
    );
    expect(seven.data.ticketByExternalId).toEqual({
      description: 'excerpt 7',
      customer: { externalId: '5002', email: 'cust2@example.com', name: 'Only Name' },
    });
    const three = await gqlA(
      `query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1003") { customer { externalId email name } } }`,
      { c: A1 },
    );
    expect(three.data.ticketByExternalId.customer).toEqual({ externalId: '5003', email: 'cust3@example.com', name: 'Customer 3' });
    const none = await gqlA(`query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "2001") { customer { email } } }`, { c: A2 });
    expect(none.data.ticketByExternalId.customer).toBeNull();

    // ticket(id) gives the same ticket.
    const byId = await gqlA(`query($id: ID!) { ticket(id: $id) { externalId } }`, { id: tk.id });
    expect(byId.data.ticket).toEqual({ externalId: '1001' });
  });

  it('pages through messages with cursors', async () => {
    const q = `query($c: ID!, $after: String) { ticketByExternalId(connectorId: $c, externalId: "1005") {
      messages(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { externalId } } } }`;
    const p1 = (await gqlA(q, { c: A1 })).data.ticketByExternalId.messages;
    expect(p1.nodes.map((n: any) => n.externalId)).toEqual(['10053', '10052']);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    const p2 = (await gqlA(q, { c: A1, after: p1.pageInfo.endCursor })).data.ticketByExternalId.messages;
    expect(p2.nodes.map((n: any) => n.externalId)).toEqual(['10051']);
    expect(p2).toMatchObject({ totalCount: 3, pageInfo: { hasNextPage: false } });
    const bad = await gqlA(q, { c: A1, after: 'nonsense' });
    expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(bad.errors[0].message).toMatch(/after/);
  });

  it('pages backwards with last/before: the newest messages, in conversation order', async () => {
    const q = `query($c: ID!, $before: String) { ticketByExternalId(connectorId: $c, externalId: "1005") {
      messages(last: 2, before: $before) { totalCount pageInfo { hasPreviousPage hasNextPage startCursor endCursor } nodes { externalId } } } }`;
    const newest = (await gqlA(q, { c: A1 })).data.ticketByExternalId.messages;
    expect(newest.nodes.map((n: any) => n.externalId)).toEqual(['10052', '10051']);
    expect(newest).toMatchObject({ totalCount: 3, pageInfo: { hasPreviousPage: true, hasNextPage: false } });
    const earlier = (await gqlA(q, { c: A1, before: newest.pageInfo.startCursor })).data.ticketByExternalId.messages;
    expect(earlier.nodes.map((n: any) => n.externalId)).toEqual(['10053']);
    expect(earlier.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const both = await gqlA(
      `query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1005") { messages(last: 1, after: "x") { totalCount } } }`,
      { c: A1 },
    );
    expect(both.errors[0].message).toMatch(/^messages: use first\/after or last\/before, not both/);
    const tooMany = await gqlA(
      `query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1005") { messages(last: 101) { totalCount } } }`,
      { c: A1 },
    );
    expect(tooMany.errors[0].message).toMatch(/^last: must be between 1 and 100/);
  });

  describe('filters', () => {
    const expectFilter = async (filter: Record<string, unknown>, expected: number[]) => {
      const nodes = await all(filter, 10);
      expect(ext(nodes)).toEqual(expected.sort((a, b) => a - b));
      const count = await gqlA(PAGE, { first: 1, filter });
      expect(count.data.tickets.totalCount).toBe(expected.length);
    };
    const a1 = (pred: (i: number) => boolean) =>
      Array.from({ length: A1_TICKETS }, (_, k) => k + 1)
        .filter((i) => i !== 58 && i !== 59 && pred(i))
        .map((i) => 1000 + i);

    it('connectorId', async () => {
      await expectFilter({ connectorId: A2 }, [2001, 2002, 2003, 2004, 2005]);
      await expectFilter(
        { connectorId: A1 },
        a1(() => true),
      );
      await expectFilter({ connectorId: B1 }, []); // another tenant's connector
    });
    it('status, priority, channel (combined with AND)', async () => {
      await expectFilter(
        { status: 'closed' },
        a1((i) => i % 2 === 1),
      );
      await expectFilter(
        { priority: 'high' },
        a1((i) => i % 3 === 0),
      );
      await expectFilter(
        { channel: 'chat' },
        a1((i) => i % 4 === 0),
      );
      await expectFilter(
        { status: 'open', priority: 'high', channel: 'chat' },
        a1((i) => i % 2 === 0 && i % 3 === 0 && i % 4 === 0),
      );
      await expectFilter({ status: 'Open' }, []);
    });
    it('customerEmail, case-insensitively', async () => {
      await expectFilter(
        { customerEmail: 'CUST0@example.com' },
        a1((i) => i % 5 === 0),
      );
      await expectFilter(
        { customerEmail: 'cust1@EXAMPLE.com' },
        a1((i) => i % 5 === 1),
      );
      await expectFilter({ customerEmail: 'cust1' }, []);
    });
    it('updatedAfter / updatedBefore', async () => {
      // i / 2 minutes after 2025-02-01: i >= 40 from minute 20, i < 10 before minute 5.
      await expectFilter(
        { updatedAfter: '2025-02-01T00:20:00Z', connectorId: A1 },
        a1((i) => i >= 40),
      );
      await expectFilter(
        { updatedBefore: '2025-02-01T00:05:00Z', connectorId: A1 },
        a1((i) => i < 10),
      );
      await expectFilter({ updatedAfter: '2025-02-01T00:05:00Z', updatedBefore: '2025-02-01T00:06:00Z' }, [1010, 1011]);
    });
    it('search: subject, description, message bodies; blank search is ignored', async () => {
      // Common words fill pages from the first walk over recent tickets; rare ones come from the indexes.
      await expectFilter(
        { search: 'body' },
        a1(() => true),
      );
      await expectFilter({ search: 'second' }, [2001, 2002, 2003, 2004, 2005]);
      await expectFilter({ search: 'zebra' }, [1010]);
      await expectFilter({ search: 'Giraffe' }, [1020]);
      await expectFilter({ search: 'giraffe lost' }, [1020]);
      await expectFilter({ search: 'giraffe zebra' }, []);
      await expectFilter({ search: 'giraffe OR zebra' }, [1010, 1020]);
      await expectFilter({ search: '"crossing problem"' }, [1010]);
      await expectFilter({ search: 'description 17' }, [1017]);
      await expectFilter({ search: '   ' }, a1(() => true).concat([2001, 2002, 2003, 2004, 2005]));
      await expectFilter({ search: "'; DROP TABLE tickets; --" }, []);
    });
    it('includeDeleted shows deleted and trashed tickets, with deletedAt', async () => {
      await expectFilter({ includeDeleted: true, connectorId: A1 }, a1(() => true).concat([1058, 1059]));
      const res = await gqlA(`query($f: TicketFilter) { tickets(filter: $f, first: 100) { nodes { externalId deletedAt trashedAt } } }`, {
        f: { includeDeleted: true, connectorId: A1 },
      });
      const byExt = Object.fromEntries(res.data.tickets.nodes.map((n: any) => [n.externalId, n]));
      expect(byExt['1059']).toMatchObject({ deletedAt: '2025-04-01T00:00:00.000Z', trashedAt: null });
      expect(byExt['1058']).toMatchObject({ deletedAt: '2025-04-02T00:00:00.000Z', trashedAt: '2025-04-02T00:00:00.000Z' });
      expect(byExt['1001'].deletedAt).toBeNull();
    });
    it('refuses bad filter values naming the field', async () => {
      const bad = [
        [{ connectorId: 'nope' }, /connectorId/],
        [{ search: 'x'.repeat(201) }, /search: must be at most 200/],
        [{ status: 's'.repeat(201) }, /status/],
      ] as const;
      for (const [filter, message] of bad) {
        const res = await gqlA(PAGE, { filter });
        expect(res.errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
        expect(res.errors[0].message).toMatch(message);
      }
      const date = await gqlA(PAGE, { filter: { updatedAfter: 'yesterday' } });
      expect(date.errors?.[0].extensions.code).toMatch(/BAD_USER_INPUT|GRAPHQL_VALIDATION_FAILED/);
    });
  });

  it('direct lookups return deleted tickets; bad ids are BAD_USER_INPUT naming the argument', async () => {
    const del = await gqlA(`query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1059") { id deletedAt } }`, { c: A1 });
    expect(del.data.ticketByExternalId.deletedAt).toBe('2025-04-01T00:00:00.000Z');
    const byId = await gqlA(`query($id: ID!) { ticket(id: $id) { externalId deletedAt } }`, { id: del.data.ticketByExternalId.id });
    expect(byId.data.ticket).toEqual({ externalId: '1059', deletedAt: '2025-04-01T00:00:00.000Z' });
    const missing = await gqlA(`query { ticket(id: "00000000-0000-4000-8000-000000000000") { id } }`);
    expect(missing.errors).toBeUndefined();
    expect(missing.data.ticket).toBeNull();

    const cases: [string, string][] = [
      [`{ ticket(id: "12") { id } }`, 'id'],
      [`{ ticketByExternalId(connectorId: "x", externalId: "1") { id } }`, 'connectorId'],
      [`{ ticketByExternalId(connectorId: "${A1}", externalId: "abc") { id } }`, 'externalId'],
      [`{ ticketByExternalId(connectorId: "${A1}", externalId: "99999999999999999999") { id } }`, 'externalId'],
      [`{ ticketByExternalId(connectorId: "${A1}", externalId: "-1") { id } }`, 'externalId'],
    ];
    for (const [q, field] of cases) {
      const res = await gqlA(q);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors[0].message.startsWith(`${field}:`)).toBe(true);
    }
  });

  it('caps page sizes and refuses bad cursors', async () => {
    const big = await gqlA(`{ tickets(first: 101) { nodes { id } } }`);
    expect(big.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(big.errors[0].message).toMatch(/first: must be between 1 and 100/);
    const zero = await gqlA(`{ tickets(first: 0) { nodes { id } } }`);
    expect(zero.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const msgs = await gqlA(`{ tickets(first: 1) { nodes { messages(first: 500) { totalCount } } } }`);
    expect(msgs.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(msgs.errors[0].message).toMatch(/first: must be between 1 and 100/);
    for (const after of ['garbage', Buffer.from(JSON.stringify({ updatedAt: 'x', id: 'y' })).toString('base64url')]) {
      const res = await gqlA(PAGE, { first: 2, after });
      expect(res.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(res.errors[0].message).toMatch(/^after: not a valid cursor/);
    }
  });

  it('accepts the deepest ticket query and refuses over-complex ones', async () => {
    // Ticket types have no cycles: this (8 levels) is as deep as a ticket query gets, within the depth limit of 10.
    const deepest = await gqlA(`{ tickets(first: 1) { edges { node { messages(first: 1) { edges { node { sender { email } } } } } } } }`);
    expect(deepest.errors).toBeUndefined();
    expect(deepest.data.tickets.edges[0].node.messages.edges[0].node.sender.email).toBe('cust@example.com');
    const wide = await gqlA(
      `{ tickets(first: 100) { nodes { messages(first: 100) { nodes { id bodyText bodyHtml subject sender { email name } receiver { email name } attachments { url } } } } } }`,
    );
    expect(wide.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(wide.errors[0].message).toMatch(/too complex/);
    expect(wide.data).toBeUndefined();
  });

  it('refuses unauthenticated callers; readers may query', async () => {
    const anon = await t.gql(`{ tickets { totalCount } }`, {}, null);
    expect(anon.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const bad = await t.gql(`{ ticket(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, 'not-a-token');
    expect(bad.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const reader = await t.gql(`{ tickets(first: 1) { totalCount } }`, {}, t.token(TENANT_A, 'reader'));
    expect(reader.data.tickets.totalCount).toBe(A_LIVE);
  });

  it("isolates tenants: B sees none of A's rows, even with A's ids", async () => {
    const gqlB = (q: string, v?: Record<string, unknown>) => t.gql(q, v, tokenB);
    const listB = await gqlB(`{ tickets(first: 100, filter: { includeDeleted: true }) { totalCount nodes { externalId connectorId } } }`);
    expect(listB.data.tickets.totalCount).toBe(3);
    expect(listB.data.tickets.nodes.every((n: any) => n.connectorId === B1)).toBe(true);
    const aTicket = await gqlA(`query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1001") { id } }`, { c: A1 });
    const aId = aTicket.data.ticketByExternalId.id;
    expect((await gqlB(`query($id: ID!) { ticket(id: $id) { id } }`, { id: aId })).data.ticket).toBeNull();
    expect(
      (await gqlB(`query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1001") { id } }`, { c: A1 })).data.ticketByExternalId,
    ).toBeNull();
    expect((await gqlB(`query($c: ID!) { tickets(filter: { connectorId: $c }) { totalCount } }`, { c: A1 })).data.tickets.totalCount).toBe(
      0,
    );
    // Search and email filters only see the caller's rows.
    expect((await gqlB(`{ tickets(filter: { search: "giraffe" }) { nodes { connectorId } } }`)).data.tickets.nodes).toEqual([
      { connectorId: B1 },
    ]);
    expect((await gqlA(`{ tickets(filter: { search: "tenant" }) { totalCount } }`)).data.tickets.totalCount).toBe(0);
    expect((await gqlB(`{ tickets(filter: { customerEmail: "cust1@example.com" }) { totalCount } }`)).data.tickets.totalCount).toBe(3);
    // B's ticket with A's external id shows B's messages only.
    const bMsgs = await gqlB(
      `query($c: ID!) { ticketByExternalId(connectorId: $c, externalId: "1001") { messages { totalCount nodes { bodyText } } } }`,
      { c: B1 },
    );
    expect(bMsgs.data.ticketByExternalId.messages).toEqual({ totalCount: 1, nodes: [{ bodyText: 'giraffe of tenant B' }] });
  });

  it('Connector.ticketCount and messageCount count live tickets and their messages', async () => {
    const res = await gqlA(`{ connectors { id ticketCount messageCount } }`);
    expect(res.errors).toBeUndefined();
    const byId = Object.fromEntries(res.data.connectors.map((c: any) => [c.id, c]));
    expect(byId[A1]).toMatchObject({ ticketCount: A1_TICKETS - 1, messageCount: (A1_TICKETS - 1) * 3 });
    expect(byId[A2]).toMatchObject({ ticketCount: A2_TICKETS, messageCount: A2_TICKETS * 2 });
    expect(byId[B1]).toBeUndefined();
    const b = await t.gql(`{ connectors { ticketCount messageCount } }`, {}, tokenB);
    expect(b.data.connectors).toEqual([{ ticketCount: 3, messageCount: 1 }]);
  });

  /** The SQL statements one GraphQL request sends. */
  async function statementsOf(query: string, variables?: Record<string, unknown>): Promise<{ res: any; sql: string[] }> {
    sqlLog.length = 0;
    counting = true;
    try {
      const res = await gqlA(query, variables);
      return { res, sql: [...sqlLog] };
    } finally {
      counting = false;
    }
  }

  it('costs one SQL statement per page whatever its size (no N+1): tickets with their customer and messages', async () => {
    const measure = async (first: number) => {
      const { res, sql } = await statementsOf(FULL_PAGE, { first });
      expect(res.errors).toBeUndefined();
      expect(res.data.tickets.nodes).toHaveLength(first);
      expect(res.data.tickets.nodes.every((n: any) => n.messages.nodes.length > 0 && n.customer)).toBe(true);
      return sql;
    };
    // The page, its customers and a page of each ticket's messages (with totals) come in one statement.
    expect(await measure(10)).toHaveLength(1);
    expect(await measure(50)).toHaveLength(1);

    // The two shapes of bench:query: (a) the newest 5 messages of 50 tickets, (b) a search with customers.
    const list =
      await statementsOf(`{ tickets(first: 50) { pageInfo { hasNextPage endCursor } nodes { id externalId subject status priority channel tags updatedAt
      customer { externalId email name } messages(last: 5) { totalCount nodes { id externalId fromAgent bodyText createdAt sender { email name } } } } } }`);
    expect(list.res.errors).toBeUndefined();
    expect(list.res.data.tickets.nodes.every((n: any) => n.messages.nodes.length > 0)).toBe(true);
    expect(list.sql).toHaveLength(1);
    const search = await statementsOf(
      `query($s: String) { tickets(first: 20, filter: { search: $s }) { pageInfo { hasNextPage endCursor } nodes {
      id externalId subject status updatedAt customer { email name } } } }`,
      { s: 'Subject' },
    );
    expect(search.res.errors).toBeUndefined();
    expect(search.res.data.tickets.nodes).toHaveLength(20);
    expect(search.sql).toHaveLength(1);
    // A rare word: the walk of the newest tickets does not fill the page, the index step follows (two statements).
    const rare = await statementsOf(`{ tickets(first: 20, filter: { search: "giraffe" }) { nodes { externalId customer { email } } } }`);
    expect(rare.res.data.tickets.nodes.map((n: any) => n.externalId)).toEqual(['1020']);
    expect(rare.sql).toHaveLength(2);

    // With totalCount it is one more; connectors with counts is one per count field.
    const counted = await statementsOf(`{ tickets(first: 20) { totalCount nodes { id } } connectors { ticketCount messageCount } }`);
    expect(counted.sql.filter((s) => !/ConnectorEntity/.test(s))).toHaveLength(4);
  });

  it('answers nested fields of a page exactly as for single tickets (aliases, fragments, edges, cursors, last/before)', async () => {
    const perTicket = `fragment T on Ticket { externalId
      id connectorId subject description status priority channel via language tags messagesCount createdAt updatedAt closedAt lastMessageAt deletedAt trashedAt
      customer { externalId email name } who: customer { email }
      messages(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id externalId ticketId createdAt sentAt attachments { url name size contentType } } } }
      newest: messages(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { externalId subject bodyHtml receiver { email name } sender { name } channel via fromAgent public } }
    }`;
    const page = await gqlA(`query { tickets(first: 12) { nodes { ...T } } } ${perTicket}`);
    expect(page.errors).toBeUndefined();
    const nodes = page.data.tickets.nodes;
    expect(nodes).toHaveLength(12);
    for (const node of nodes) {
      const one = await gqlA(`query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) { ...T } } ${perTicket}`, {
        c: A1,
        e: node.externalId,
      });
      expect(one.errors).toBeUndefined();
      expect(node).toEqual(one.data.ticketByExternalId);
    }
    // A page asking for a few fields (only their columns are read) answers them the same.
    const few = await gqlA(
      `{ tickets(first: 12, filter: { includeDeleted: true }) { edges { cursor node { externalId deletedAt closedAt } } } }`,
    );
    const all = await gqlA(
      `{ tickets(first: 12, filter: { includeDeleted: true }) { edges { cursor node { externalId deletedAt closedAt subject description } } } }`,
    );
    expect(few.data.tickets.edges).toEqual(
      all.data.tickets.edges.map((e: any) => ({
        cursor: e.cursor,
        node: { externalId: e.node.externalId, deletedAt: e.node.deletedAt, closedAt: e.node.closedAt },
      })),
    );
    // Cursors from a page work in the single-ticket field, and the other way round.
    const [first] = nodes;
    const next = await gqlA(
      `query($c: ID!, $e: ID!, $a: String) { ticketByExternalId(connectorId: $c, externalId: $e) { messages(first: 2, after: $a) { nodes { externalId } } } }`,
      {
        c: A1,
        e: first.externalId,
        a: first.messages.pageInfo.endCursor,
      },
    );
    const pagedNext = await gqlA(
      `query($a: String) { tickets(first: 1) { nodes { messages(first: 2, after: $a) { nodes { externalId } } } } }`,
      { a: first.messages.pageInfo.endCursor },
    );
    expect(pagedNext.data.tickets.nodes[0].messages).toEqual(next.data.ticketByExternalId.messages);
    const before = await gqlA(
      `query($b: String) { tickets(first: 1) { edges { node { messages(last: 1, before: $b) { nodes { externalId } pageInfo { hasNextPage hasPreviousPage } } } } } }`,
      {
        b: first.newest.pageInfo.startCursor,
      },
    );
    expect(before.data.tickets.edges[0].node.messages).toEqual({
      nodes: [{ externalId: `${first.externalId}3` }],
      pageInfo: { hasNextPage: true, hasPreviousPage: false },
    });

    // One alias with two sets of arguments (under nodes and under edges) and bad arguments still answer
    // as each field's own resolver does.
    const mixed = await gqlA(
      `{ tickets(first: 2) { nodes { externalId messages(first: 1) { nodes { externalId } } } edges { node { messages(last: 1) { nodes { externalId } } } } } }`,
    );
    expect(mixed.errors).toBeUndefined();
    const t0 = mixed.data.tickets.nodes[0].externalId;
    expect(mixed.data.tickets.nodes[0].messages.nodes).toEqual([{ externalId: `${t0}3` }]);
    expect(mixed.data.tickets.edges[0].node.messages.nodes).toEqual([{ externalId: `${t0}1` }]);
    const bad = await gqlA(`{ tickets(first: 2) { nodes { externalId messages(first: 500) { totalCount } } } }`);
    expect(bad.data).toBeNull(); // messages is non-null: the error nulls the page, as it always did
    expect(bad.errors[0]).toMatchObject({ path: ['tickets', 'nodes', 0, 'messages'], extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.errors[0].message).toMatch(/^first: must be between 1 and 100/);
  });

  it('answers a query run again and again (compiled once hot) exactly as the first time, errors included', async () => {
    const q = `query($first: Int, $after: String, $filter: TicketFilter) { tickets(first: $first, after: $after, filter: $filter) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { externalId updatedAt deletedAt tags
        customer { email } messages(last: 2) { totalCount nodes { externalId createdAt attachments { url size } sender { email } } } } } } }`;
    const runs = async (variables: Record<string, unknown>) => {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push(await gqlA(q, variables));
      return answers;
    };
    for (const variables of [
      { first: 7 },
      { first: 3, filter: { status: 'open', search: 'Subject' } },
      { first: 2, filter: { includeDeleted: true } },
    ]) {
      const [reference, ...again] = await runs(variables);
      expect(reference.errors).toBeUndefined();
      for (const a of again) expect(a).toEqual(reference);
    }
    // Bad variables and bad arguments of a hot query: the same errors every time.
    for (const variables of [{ first: 500 }, { first: 'x' }, { after: 'nonsense' }, { filter: { connectorId: 'nope' } }]) {
      const [reference, ...again] = await runs(variables);
      expect(reference.errors?.length).toBeGreaterThan(0);
      for (const a of again) expect(a).toEqual(reference);
    }
    // Another tenant's token on the same (hot) query sees only its own tickets.
    const b = await t.gql(q, { first: 7 }, tokenB);
    expect(b.errors).toBeUndefined();
    expect(b.data.tickets.edges.map((e: any) => e.node.externalId).sort()).toEqual(['1001', '1002', '1003']);
  });
});
