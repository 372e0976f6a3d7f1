import { Client } from 'pg';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { freePort } from '../../../src/database/embedded-postgres';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@acme.test';
const KEY = 'acme-key-0123456789-WXYZ';

const CHECK = `mutation($input: GorgiasCredentialsInput!) {
  checkGorgiasCredentials(input: $input) { ok code message accountDomain canReadTickets canReadMessages } }`;
const CREATE = `mutation($input: CreateGorgiasConnectorInput!) {
  createGorgiasConnector(input: $input) { id name status email subdomain apiKeyLast4 syncIntervalMinutes lastError } }`;
const TEST = `mutation($id: ID!) { testConnectorConnection(id: $id) { ok code message canReadTickets canReadMessages } }`;
const ACTIVATE = `mutation($id: ID!) { activateConnector(id: $id) { id status nextSyncAt latestRun { id status mode } } }`;

describe('ConnectorsModule: Add Connector, Test Connection, Save & Activate (GraphQL + Gorgias simulator)', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  let tenant: string;
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0 });
    sim.addAccount({ subdomain: 'acme', email: EMAIL, apiKey: KEY, seed: 1, tickets: 5 });
    const acme = sim.account('acme');
    acme.addKey({ apiKey: 'tickets-only-key', email: EMAIL, denied: ['messages'] }); // a user role without message access
    acme.addKey({ apiKey: 'messages-only-key', email: EMAIL, denied: ['tickets'] });
    acme.addKey({ apiKey: 'revoked-key', email: EMAIL });
    acme.revokeKey('revoked-key');
    sim.addAccount({ subdomain: 'sleepy', email: EMAIL, apiKey: KEY, seed: 2, tickets: 1, status: 'inactive' });
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate } });
  });
  // A tenant connects a Gorgias account once: each test starts as a tenant of its own.
  beforeEach(() => {
    tenant = randomTenant('acme');
    admin = t.token(tenant, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const check = async (input: Record<string, unknown>) => (await t.gql(CHECK, { input }, admin)).data?.checkGorgiasCredentials;

  describe('Test Connection answers each case of the troubleshooting guide', () => {
    it('OK: the key can read the account, tickets and messages', async () => {
      expect(await check({ email: EMAIL, apiKey: KEY, subdomain: 'acme' })).toMatchObject({
        ok: true,
        code: 'OK',
        canReadTickets: true,
        canReadMessages: true,
        accountDomain: expect.stringContaining('acme'),
      });
    });

    it('wrong key or wrong email: INVALID_CREDENTIALS, check email and key', async () => {
      for (const input of [
        { email: EMAIL, apiKey: 'wrong-key', subdomain: 'acme' },
        { email: 'someone@else.test', apiKey: KEY, subdomain: 'acme' },
      ]) {
        const r = await check(input);
        expect(r).toMatchObject({ ok: false, code: 'INVALID_CREDENTIALS', canReadTickets: false, canReadMessages: false });
        expect(r.message).toMatch(/Verify your email and API key/);
      }
    });

    it('revoked key: INVALID_CREDENTIALS, says to check it was not revoked', async () => {
      const r = await check({ email: EMAIL, apiKey: 'revoked-key', subdomain: 'acme' });
      expect(r.code).toBe('INVALID_CREDENTIALS');
      expect(r.message).toMatch(/deleted or revoked/);
    });

    it('wrong subdomain: SUBDOMAIN_NOT_FOUND, says to use only the subdomain and check its spelling', async () => {
      const r = await check({ email: EMAIL, apiKey: KEY, subdomain: 'acmee' });
      expect(r.code).toBe('SUBDOMAIN_NOT_FOUND');
      expect(r.message).toMatch(/not found/);
      expect(r.message).toMatch(/only the subdomain/);
      expect(r.message).toMatch(/spelling/);
    });

    it('key that cannot read messages: PERMISSION_DENIED, tickets readable, messages not', async () => {
      const r = await check({ email: EMAIL, apiKey: 'tickets-only-key', subdomain: 'acme' });
      expect(r).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', canReadTickets: true, canReadMessages: false });
      expect(r.message).toMatch(/cannot read messages/);
    });

    it('key that cannot read tickets: PERMISSION_DENIED', async () => {
      const r = await check({ email: EMAIL, apiKey: 'messages-only-key', subdomain: 'acme' });
      expect(r).toMatchObject({ ok: false, code: 'PERMISSION_DENIED', canReadTickets: false });
      expect(r.message).toMatch(/cannot read tickets/);
    });

    it('inactive account: ACCOUNT_INACTIVE', async () => {
      const r = await check({ email: EMAIL, apiKey: KEY, subdomain: 'sleepy' });
      expect(r.code).toBe('ACCOUNT_INACTIVE');
      expect(r.message).toMatch(/account is active/);
    });

    it('Gorgias unreachable: UNREACHABLE', async () => {
      const closedPort = await freePort();
      const other = await startTestApp({
        env: { GORGIAS_BASE_URL: `http://127.0.0.1:${closedPort}/{subdomain}`, GORGIAS_MAX_RETRIES: '1', GORGIAS_TIMEOUT_MS: '2000' },
      });
      try {
        const r = (await other.gql(CHECK, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, other.token(tenant))).data
          ?.checkGorgiasCredentials;
        expect(r.code).toBe('UNREACHABLE');
        expect(r.message).toMatch(/Could not reach Gorgias/);
        expect(r.message).not.toContain(KEY);
      } finally {
        await other.close();
      }
    });

    it('never echoes the API key in an answer', async () => {
      const r = await check({ email: EMAIL, apiKey: 'wrong-key-SECRET-9876', subdomain: 'acme' });
      expect(JSON.stringify(r)).not.toContain('SECRET-9876');
    });
  });

  describe('input is validated and normalised', () => {
    it.each(['acme', 'acme.gorgias.com', 'https://acme.gorgias.com/app/tickets'])('stores subdomain %j as "acme"', async (subdomain) => {
      const r = await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain } }, admin);
      expect(r.errors).toBeUndefined();
      expect(r.data.createGorgiasConnector).toMatchObject({
        subdomain: 'acme',
        status: 'DRAFT',
        apiKeyLast4: 'WXYZ',
        name: 'Gorgias (acme)',
      });
    });

    it('refuses to connect the same Gorgias account twice in a tenant, naming the existing connector', async () => {
      const first = (await t.gql(CREATE, { input: { name: 'Support', email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, admin)).data
        .createGorgiasConnector;
      const again = await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'https://acme.gorgias.com' } }, admin);
      expect(again.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(again.errors[0].message).toMatch(/^subdomain: acme.gorgias.com is already connected \(connector "Support"/);
      expect(again.errors[0].message).toContain(first.id);
      // Another tenant may connect the same account.
      const elsewhere = await t.gql(
        CREATE,
        { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } },
        t.token(randomTenant('other'), 'admin'),
      );
      expect(elsewhere.errors).toBeUndefined();
      // A typo in a connector that never synced can be fixed; moving onto an already connected subdomain cannot.
      const typo = (await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acmee' } }, admin)).data.createGorgiasConnector;
      const clash = await t.gql(
        `mutation($id: ID!) { updateGorgiasConnector(id: $id, input: { subdomain: "acme" }) { subdomain } }`,
        { id: typo.id },
        admin,
      );
      expect(clash.errors[0].message).toMatch(/^subdomain: acme.gorgias.com is already connected/);
      const fixed = await t.gql(
        `mutation($id: ID!) { updateGorgiasConnector(id: $id, input: { subdomain: "sleepy" }) { subdomain } }`,
        { id: typo.id },
        admin,
      );
      expect(fixed.data.updateGorgiasConnector.subdomain).toBe('sleepy');
    });

    it('refuses a subdomain that is none of those forms, showing the right form', async () => {
      const r = await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme.zendesk.com' } }, admin);
      expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(r.errors[0].message).toMatch(/subdomain: is not a Gorgias subdomain.*"company"/);
    });

    it('refuses a bad email and an empty key, naming each field', async () => {
      const r = await t.gql(CREATE, { input: { email: 'not-an-email', apiKey: '  ', subdomain: 'acme' } }, admin);
      expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(r.errors[0].message).toMatch(/email: must be the email address/);
      expect(r.errors[0].message).toMatch(/apiKey: must not be empty/);
    });

    it('refuses an out-of-range sync interval', async () => {
      const r = await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme', syncIntervalMinutes: 0 } }, admin);
      expect(r.errors[0].message).toMatch(/syncIntervalMinutes: must be at least 5 minutes/);
    });

    it('has no way to read the API key back, and stores it encrypted', async () => {
      const schemaLeak = await t.gql('{ connectors { apiKey } }', {}, admin);
      expect(schemaLeak.errors[0].message).toMatch(/Cannot query field "apiKey"/);
      const created = (await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, admin)).data.createGorgiasConnector;
      const db = new Client({ connectionString: t.databaseUrl });
      await db.connect();
      try {
        const { rows } = await db.query('SELECT * FROM connectors WHERE id = $1', [created.id]);
        expect(JSON.stringify(rows[0])).not.toContain(KEY);
        expect(rows[0].api_key_ciphertext).toMatch(/^v1\./);
        expect(rows[0].api_key_key_id).toBe('t1');
      } finally {
        await db.end();
      }
    });
  });

  describe('setup flow', () => {
    it('Test Connection on a saved connector, then Save & Activate starts the initial sync', async () => {
      const c = (await t.gql(CREATE, { input: { name: 'Support', email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, admin)).data
        .createGorgiasConnector;
      expect((await t.gql(TEST, { id: c.id }, admin)).data.testConnectorConnection).toMatchObject({ ok: true, code: 'OK' });
      const activated = (await t.gql(ACTIVATE, { id: c.id }, admin)).data.activateConnector;
      expect(activated.status).toBe('ACTIVE');
      expect(activated.latestRun).toMatchObject({ mode: 'INCREMENTAL' });
      expect(['QUEUED', 'RUNNING', 'SUCCEEDED']).toContain(activated.latestRun.status);
      const paused = (await t.gql('mutation($id: ID!) { pauseConnector(id: $id) { status nextSyncAt } }', { id: c.id }, admin)).data
        .pauseConnector;
      expect(paused).toEqual({ status: 'PAUSED', nextSyncAt: null });
    });

    it('Save & Activate refuses with the check answer when the key is wrong, and changes nothing', async () => {
      const c = (await t.gql(CREATE, { input: { email: EMAIL, apiKey: 'bad-key', subdomain: 'acme' } }, admin)).data.createGorgiasConnector;
      const r = await t.gql(ACTIVATE, { id: c.id }, admin);
      expect(r.errors[0].extensions).toMatchObject({ code: 'CONNECTION_CHECK_FAILED', checkCode: 'INVALID_CREDENTIALS' });
      expect(r.errors[0].message).toMatch(/Verify your email and API key/);
      const after = (await t.gql('query($id: ID!) { connector(id: $id) { status latestRun { id } } }', { id: c.id }, admin)).data.connector;
      expect(after).toEqual({ status: 'DRAFT', latestRun: null });
    });

    it('updating an active connector to a wrong key is refused and keeps the working key', async () => {
      const c = (await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, admin)).data.createGorgiasConnector;
      await t.gql(ACTIVATE, { id: c.id }, admin);
      const r = await t.gql(
        'mutation($id: ID!, $input: UpdateGorgiasConnectorInput!) { updateGorgiasConnector(id: $id, input: $input) { apiKeyLast4 } }',
        { id: c.id, input: { apiKey: 'revoked-key' } },
        admin,
      );
      expect(r.errors[0].extensions.checkCode).toBe('INVALID_CREDENTIALS');
      expect((await t.gql(TEST, { id: c.id }, admin)).data.testConnectorConnection.ok).toBe(true);
      const renamed = await t.gql(
        'mutation($id: ID!, $input: UpdateGorgiasConnectorInput!) { updateGorgiasConnector(id: $id, input: $input) { name syncIntervalMinutes apiKeyLast4 } }',
        { id: c.id, input: { name: 'Renamed', syncIntervalMinutes: 60 } },
        admin,
      );
      expect(renamed.data.updateGorgiasConnector).toEqual({ name: 'Renamed', syncIntervalMinutes: 60, apiKeyLast4: 'WXYZ' });
    });

    it('deleteConnector removes it', async () => {
      const c = (await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, admin)).data.createGorgiasConnector;
      expect((await t.gql('mutation($id: ID!) { deleteConnector(id: $id) }', { id: c.id }, admin)).data.deleteConnector).toBe(true);
      expect((await t.gql('query($id: ID!) { connector(id: $id) { id } }', { id: c.id }, admin)).data.connector).toBeNull();
    });
  });

  describe('tenancy and roles', () => {
    it("tenant B cannot read, test, activate, update, pause or delete tenant A's connector, nor learn it exists", async () => {
      const c = (await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, admin)).data.createGorgiasConnector;
      const other = t.token(randomTenant('other'), 'admin');
      const unknownId = '00000000-0000-4000-8000-000000000001';
      expect((await t.gql('{ connectors { id } }', {}, other)).data.connectors).toEqual([]);
      expect((await t.gql('query($id: ID!) { connector(id: $id) { id } }', { id: c.id }, other)).data.connector).toBeNull();
      for (const op of [
        TEST,
        ACTIVATE,
        'mutation($id: ID!) { pauseConnector(id: $id) { id } }',
        'mutation($id: ID!) { deleteConnector(id: $id) }',
        'mutation($id: ID!) { updateGorgiasConnector(id: $id, input: { name: "x" }) { id } }',
        'mutation($id: ID!) { triggerSync(connectorId: $id) { id } }',
      ]) {
        const theirs = await t.gql(op, { id: c.id }, other);
        const none = await t.gql(op, { id: unknownId }, other);
        expect(theirs.errors[0].extensions.code).toBe('NOT_FOUND');
        // Same answer as for an id that does not exist, apart from the id itself.
        expect(theirs.errors[0].message.replace(c.id, 'ID')).toBe(none.errors[0].message.replace(unknownId, 'ID'));
      }
      expect((await t.gql('query($id: ID!) { connector(id: $id) { status } }', { id: c.id }, admin)).data.connector.status).toBe('DRAFT');
    });

    it('a reader can read connectors but not change them', async () => {
      const reader = t.token(tenant, 'reader');
      const made = (await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, admin)).data.createGorgiasConnector;
      expect((await t.gql('{ connectors { id } }', {}, reader)).data.connectors.map((c: any) => c.id)).toEqual([made.id]);
      const r = await t.gql(CREATE, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, reader);
      expect(r.errors[0].extensions.code).toBe('FORBIDDEN');
      const c = await t.gql(CHECK, { input: { email: EMAIL, apiKey: KEY, subdomain: 'acme' } }, reader);
      expect(c.errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('refuses an id that is not a UUID with BAD_USER_INPUT naming it', async () => {
      const r = await t.gql('query { connector(id: "1 OR 1=1") { id } }', {}, admin);
      expect(r.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(r.errors[0].message).toMatch(/^id: /);
    });
  });
});
