import { Client as PgClient } from 'pg';
import { signToken } from '../../../src/auth/auth.service';
import { AppProcess, gqlAt, startAppProcess } from '../../support/app-process';
import { createTestDatabase } from '../../support/test-database';
import { TEST_JWT_SECRET } from '../../support/test-app';

const CUSTOMER_EMAIL = 'very.private.customer@example.org';
const GET_SECRET = 'api-key-in-a-get-url-9f8e7d';

/**
 * Client mistakes get BAD_USER_INPUT naming the field, and are logged as what they are (debug, one
 * line, no stack); a real failure is logged at ERROR without the data it was given.
 */
describe('user errors: clear answers, quiet logs', () => {
  let app: AppProcess;
  let db: { url: string; drop(): Promise<void> };
  const admin = signToken({ tenantId: 'usererrors', role: 'admin' }, TEST_JWT_SECRET);
  const gql = (q: string, v?: Record<string, unknown>) => gqlAt(app.url, admin, q, v);
  const badInput = async (q: string, v: Record<string, unknown> | undefined, field: RegExp) => {
    const r = await gql(q, v);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toMatch(field);
    return r;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startAppProcess({ DATABASE_URL: db.url, LOG_LEVEL: 'debug', SYNC_SCHEDULER_ENABLED: 'false' });
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  });

  it('a NUL character in any string argument is BAD_USER_INPUT naming the field', async () => {
    const q = `query($f: TicketFilter) { tickets(filter: $f) { totalCount } }`;
    for (const key of ['search', 'status', 'priority', 'channel', 'customerEmail']) {
      await badInput(q, { f: { [key]: '\u0000x' } }, new RegExp(`filter\\.${key}: must not contain the NUL character`));
    }
    await badInput(`{ tickets(after: "\\u0000") { totalCount } }`, undefined, /after: must not contain the NUL/);
  });

  it('dates such as "1" or "2026" are BAD_USER_INPUT, as variables and as literals', async () => {
    for (const d of ['1', '2026', 'yesterday', '2026-13-01']) {
      await badInput(
        `query($d: DateTime) { tickets(filter: { updatedAfter: $d }) { totalCount } }`,
        { d },
        /filter\.updatedAfter: must be an ISO 8601 date-time/,
      );
    }
    await badInput(`{ tickets(filter: { updatedBefore: "1" }) { totalCount } }`, undefined, /updatedBefore: must be an ISO 8601/);
    const ok = await gql(
      `{ tickets(filter: { updatedAfter: "2026-01-31T00:00:00Z", updatedBefore: "2026-02-01T00:00:00.123+01:00" }) { totalCount } }`,
    );
    expect(ok.errors).toBeUndefined();
  });

  it('malformed cursors and page sizes are BAD_USER_INPUT', async () => {
    await badInput(`{ tickets(after: "garbage") { totalCount } }`, undefined, /after: not a valid cursor/);
    await badInput(`{ tickets(first: 0) { totalCount } }`, undefined, /first: must be between 1 and 100/);
    const cursor = Buffer.from(JSON.stringify({ updatedAt: 'x', id: 'y' })).toString('base64url');
    await badInput(`query($c: String) { tickets(after: $c) { totalCount } }`, { c: cursor }, /after: not a valid cursor/);
    // syncRuns: garbage, and cursors that decode but hold what PostgreSQL cannot read.
    const created = await gql(
      `mutation { createGorgiasConnector(input: { email: "a@b.test", apiKey: "k-12345678", subdomain: "cursors" }) { id } }`,
    );
    const id = created.data.createGorgiasConnector.id;
    const runs = `query($id: ID!, $c: String) { syncRuns(connectorId: $id, after: $c) { totalCount } }`;
    for (const c of [
      'garbage',
      Buffer.from(JSON.stringify({ createdAt: 'x', id: 'y' })).toString('base64url'),
      Buffer.from(JSON.stringify({ createdAt: '1', id: '00000000-0000-4000-8000-000000000000' })).toString('base64url'),
      Buffer.from(JSON.stringify({ createdAt: '2026-01-01T00:00:00.000Z', id: 'not-a-uuid' })).toString('base64url'),
    ]) {
      await badInput(runs, { id, c }, /after: not a valid cursor/);
    }
    const ok = await gql(runs, {
      id,
      c: Buffer.from(JSON.stringify({ createdAt: '2026-01-01T00:00:00.123456Z', id: '00000000-0000-4000-8000-000000000000' })).toString(
        'base64url',
      ),
    });
    expect(ok.errors).toBeUndefined();
  });

  it('explicit nulls in updateGorgiasConnector are BAD_USER_INPUT naming the field', async () => {
    const created = await gql(
      `mutation { createGorgiasConnector(input: { email: "a@b.test", apiKey: "k-12345678", subdomain: "usererrors" }) { id } }`,
    );
    const id = created.data.createGorgiasConnector.id;
    for (const field of ['email', 'apiKey', 'subdomain', 'name', 'syncIntervalMinutes']) {
      const r = await badInput(
        `mutation($id: ID!, $i: UpdateGorgiasConnectorInput!) { updateGorgiasConnector(id: $id, input: $i) { id } }`,
        { id, i: { [field]: null } },
        new RegExp(`${field}: must not be null`),
      );
      expect(r.errors[0].extensions.field).toBe(field);
    }
    const still = await gql(`query($id: ID!) { connector(id: $id) { email subdomain name } }`, { id });
    expect(still.data.connector).toMatchObject({ email: 'a@b.test', subdomain: 'usererrors' });
  });

  it('client errors are logged at debug without a stack; a failed SQL statement is logged at ERROR without its parameters', async () => {
    // GET with the query in the URL: the URL is logged without its query string.
    await fetch(`${app.url}/graphql?query=${encodeURIComponent(`{ viewer { tenantId } } # ${GET_SECRET}`)}`, {
      headers: { authorization: `Bearer ${admin}`, 'apollo-require-preflight': 'true' },
    });
    const before = app.output().length;
    const pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    await pg.query('ALTER TABLE tickets RENAME TO tickets_hidden');
    try {
      const r = await gql(`query($e: String) { tickets(filter: { customerEmail: $e }) { nodes { id } } }`, { e: CUSTOMER_EMAIL });
      expect(r.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await pg.query('ALTER TABLE tickets_hidden RENAME TO tickets');
      await pg.end();
    }
    await new Promise((r) => setTimeout(r, 300));
    const out = app.output();
    const lines = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    const errorsLogged = lines.filter((l) => l.level >= 50);
    // Exactly the one real failure, at ERROR, with its SQL error but not the customer's email.
    expect(errorsLogged).toHaveLength(1);
    expect(JSON.stringify(errorsLogged[0])).toMatch(/tickets/);
    expect(out.slice(before)).toContain('"level":50');
    expect(out).not.toContain(CUSTOMER_EMAIL);
    expect(out).not.toContain(GET_SECRET);
    // Every BAD_USER_INPUT above was logged at debug, on one line, without a stack.
    const userErrors = lines.filter((l) => /BAD_USER_INPUT/.test(l.msg ?? ''));
    expect(userErrors.length).toBeGreaterThan(10);
    for (const l of userErrors) {
      expect(l.level).toBe(20);
      expect(JSON.stringify(l)).not.toMatch(/\bat .*\.js:\d+/);
    }
  });
});
