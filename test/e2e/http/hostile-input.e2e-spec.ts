import { signToken } from '../../../src/auth/auth.service';
import { GorgiasSimulator } from '../../gorgias-simulator';
import { AppProcess, gqlAt, startSyncingAppProcess } from '../../support/app-process';
import { TEST_JWT_SECRET } from '../../support/test-app';

const EMAIL = 'admin@hostile.test';
const KEY = 'hostile-secret-key-7f3a9c';
const WRONG_KEY = 'wrong-secret-key-55aa11';

/**
 * Hostile and careless input against a real gateway process with debug logs on: every case gets a
 * clear error, nothing is lost, and no API key appears in anything the process prints.
 */
describe('hostile input', () => {
  let sim: GorgiasSimulator;
  let app: AppProcess;
  let stop: () => Promise<void>;
  const admin = signToken({ tenantId: 'hostile', role: 'admin' }, TEST_JWT_SECRET);
  const gql = (q: string, v?: Record<string, unknown>, token = admin) => gqlAt(app.url, token, q, v);

  beforeAll(async () => {
    ({ sim, app, stop } = await startSyncingAppProcess({ LOG_LEVEL: 'debug' }));
    sim.addAccount({ subdomain: 'hostile', email: EMAIL, apiKey: KEY, seed: 3, tickets: 20 });
  });
  afterAll(() => stop?.());

  it('refuses oversized strings, naming the field', async () => {
    const r = await gql(`mutation($i: CreateGorgiasConnectorInput!) { createGorgiasConnector(input: $i) { id } }`, {
      i: { name: 'n'.repeat(5000), email: EMAIL, apiKey: 'k'.repeat(5000), subdomain: 's'.repeat(5000) },
    });
    expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toMatch(/name: must be at most 200 characters/);
    expect(r.errors[0].message).toMatch(/apiKey: is too long/);
    expect(r.errors[0].message).toMatch(/subdomain: is not a Gorgias subdomain/);
  });

  it.each([
    'acme corp',
    'acme.zendesk.com',
    '../../etc/passwd',
    "x'; DROP TABLE connectors; --",
    '',
    'https://evil.example.com/acme.gorgias.com',
  ])('refuses the subdomain %j with the right form', async (subdomain) => {
    const r = await gql(`mutation($i: GorgiasCredentialsInput!) { checkGorgiasCredentials(input: $i) { ok } }`, {
      i: { email: EMAIL, apiKey: KEY, subdomain },
    });
    expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(r.errors[0].message).toMatch(/https:\/\/company\.gorgias\.com/);
  });

  it('treats injection attempts in filters and ids as plain data', async () => {
    const search = await gql(`query($s: String) { tickets(filter: { search: $s }) { totalCount } }`, {
      s: "'; DROP TABLE tickets; -- \\ %_ ) OR 1=1",
    });
    expect(search.errors).toBeUndefined();
    expect(search.data.tickets.totalCount).toBe(0);
    const status = await gql(`query($s: String) { tickets(filter: { status: $s }) { totalCount } }`, { s: "open' OR '1'='1" });
    expect(status.data.tickets.totalCount).toBe(0);
    const id = await gql(`query { ticket(id: "1; DELETE FROM tickets") { id } }`);
    expect(id.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const conn = await gql(`query { connectors { id } }`);
    expect(conn.errors).toBeUndefined();
  });

  it('refuses deep and overly complex queries before running them', async () => {
    const deep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } } } } }`;
    expect((await gql(deep)).errors[0].message).toMatch(/exceeds maximum operation depth/);
    const wide = `{ tickets(first: 100) { nodes { messages(first: 100) { nodes { id bodyText bodyHtml subject sender { email name } receiver { email name } attachments { url } } } } } }`;
    expect((await gql(wide)).errors[0].message).toMatch(/too complex/);
    const tooMany = await gql(`{ tickets(first: 1000) { totalCount } }`);
    expect(tooMany.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors[0].message).toMatch(/first: must be between 1 and 100/);
  });

  it("a token of another tenant sees none of this tenant's data; an expired token is refused", async () => {
    const created = await gql(
      `mutation { createGorgiasConnector(input: { email: "${EMAIL}", apiKey: "${KEY}", subdomain: "hostile" }) { id } }`,
    );
    const id = created.data.createGorgiasConnector.id;
    await gql(`mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id });
    const other = signToken({ tenantId: 'someone-else', role: 'admin' }, TEST_JWT_SECRET);
    expect((await gql(`{ connectors { id } }`, {}, other)).data.connectors).toEqual([]);
    expect((await gql(`query($id: ID!) { connector(id: $id) { id } }`, { id }, other)).data.connector).toBeNull();
    expect((await gql(`{ tickets { totalCount } }`, {}, other)).data.tickets.totalCount).toBe(0);
    const expired = signToken({ tenantId: 'hostile', role: 'admin' }, TEST_JWT_SECRET, -60);
    const r = await gql(`{ connectors { id } }`, {}, expired);
    expect(r.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(r.errors[0].message).toMatch(/expired/);
  });

  it('a failing check with a wrong key, a revoked key mid-life and all the above leave no secret in the logs', async () => {
    await gql(`mutation { checkGorgiasCredentials(input: { email: "${EMAIL}", apiKey: "${WRONG_KEY}", subdomain: "hostile" }) { ok } }`);
    sim.account('hostile').revokeKey(KEY);
    const list = await gql(`{ connectors { id } }`);
    const id = list.data.connectors[0].id;
    await gql(`mutation($id: ID!) { triggerSync(connectorId: $id) { id } }`, { id });
    // Wait for the run to fail on the revoked key; the connector goes to ERROR with the guide's advice.
    const deadline = Date.now() + 30_000;
    let c: any;
    while (Date.now() < deadline) {
      c = (await gql(`query($id: ID!) { connector(id: $id) { status lastError } }`, { id })).data.connector;
      if (c.status === 'ERROR') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(c.status).toBe('ERROR');
    expect(c.lastError).toMatch(/deleted or revoked/);
    await new Promise((r) => setTimeout(r, 300)); // let the logs flush
    const out = app.output();
    expect(out.length).toBeGreaterThan(1000); // debug logs were written
    for (const secret of [KEY, WRONG_KEY, TEST_JWT_SECRET, admin]) expect(out).not.toContain(secret);
  });
});
