import { getIntrospectionQuery } from 'graphql';
import { collect, wsClient } from '../../support/ws-client';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { signToken } from '../../../src/auth/auth.service';

describe('gateway foundation (HTTP + WebSocket, real PostgreSQL)', () => {
  let t: TestApp;
  const tenant = randomTenant();

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('GET /health answers 200 with the database up', async () => {
    const res = await fetch(`${t.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('refuses a call without a token, with a bad one, an expired one or one signed with another secret', async () => {
    const query = '{ viewer { tenantId } }';
    const cases: [string | null, RegExp][] = [
      [null, /missing bearer token/],
      ['not-a-jwt', /invalid token/],
      [t.token(tenant, 'admin', -10), /token expired/],
      [signToken({ tenantId: tenant, role: 'admin' }, 'another-secret-0123456789abcdef0123456789'), /invalid token/],
      [
        signToken({ tenantId: tenant, role: 'owner' as never }, 'test-secret-0123456789abcdef0123456789abcdef'),
        /role must be admin or reader/,
      ],
    ];
    for (const [token, reason] of cases) {
      const res = await t.gql(query, {}, token);
      expect(res.data).toBeNull();
      expect(res.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      expect(res.errors?.[0].message).toMatch(reason);
    }
  });

  it('answers with the caller from the token', async () => {
    const res = await t.gql('{ viewer { tenantId role } }', {}, t.token(tenant, 'reader'));
    expect(res).toEqual({ data: { viewer: { tenantId: tenant, role: 'reader' } } });
  });

  it('lets a reader read but not run a mutation', async () => {
    const reader = t.token(tenant, 'reader');
    expect((await t.gql('{ connectors { id } }', {}, reader)).data).toEqual({ connectors: [] });
    const res = await t.gql(
      'mutation($id: ID!) { pauseConnector(id: $id) { id } }',
      { id: '00000000-0000-4000-8000-000000000000' },
      reader,
    );
    expect(res.errors?.[0].extensions.code).toBe('FORBIDDEN');
    const asAdmin = await t.gql(
      'mutation($id: ID!) { pauseConnector(id: $id) { id } }',
      { id: '00000000-0000-4000-8000-000000000000' },
      t.token(tenant, 'admin'),
    );
    expect(asAdmin.errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('opens a subscription with a token, and closes the socket without one', async () => {
    let closeCode = 0;
    const anonymous = wsClient(t.url, undefined, (code) => (closeCode = code));
    const refused = await collect(
      anonymous,
      'subscription($id: ID!) { syncProgress(connectorId: $id) { runId } }',
      { id: '00000000-0000-4000-8000-000000000000' },
      () => true,
      10_000,
    );
    expect(refused.errors.length).toBeGreaterThan(0);
    expect(closeCode).toBe(4403);
    await anonymous.dispose();

    // With a token the socket is accepted and the resolver runs: an unknown connector is NOT_FOUND.
    const authed = wsClient(t.url, `Bearer ${t.token(tenant, 'reader')}`);
    const answered = await collect(
      authed,
      'subscription($id: ID!) { syncProgress(connectorId: $id) { runId } }',
      { id: '00000000-0000-4000-8000-000000000000' },
      () => true,
      10_000,
    );
    expect(JSON.stringify(answered.errors)).toMatch(/NOT_FOUND|was not found/);
    await authed.dispose();
  });

  it('closes a subscription socket when its token expires', async () => {
    const admin = t.token(tenant, 'admin');
    const created = await t.gql(
      `mutation { createGorgiasConnector(input: { email: "a@b.test", apiKey: "k-12345678", subdomain: "expiring" }) { id } }`,
      {},
      admin,
    );
    const id = created.data.createGorgiasConnector.id;
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      const client = wsClient(t.url, `Bearer ${t.token(tenant, 'reader', 2)}`, (code, reason) => resolve({ code, reason }));
      client.subscribe(
        { query: 'subscription($id: ID!) { syncProgress(connectorId: $id) { status } }', variables: { id } },
        {
          next: () => undefined,
          error: () => undefined,
          complete: () => undefined,
        },
      );
    });
    const { code, reason } = await closed;
    expect(code).toBe(4403);
    expect(reason).toMatch(/token expired/);
  });

  it('refuses queries deeper than the limit', async () => {
    const deep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } } } } }`;
    const res = await t.gql(deep, {}, t.token(tenant));
    expect(res.errors?.[0].message).toMatch(/exceeds maximum operation depth/);
    expect(res.data).toBeUndefined();
  });

  it('still answers the standard introspection query that tools send', async () => {
    const res = await t.gql(getIntrospectionQuery(), {}, t.token(tenant, 'reader'));
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.queryType.name).toBe('Query');
  });
});
