import { Client as PgClient } from 'pg';
import WebSocket from 'ws';
import { WS_MAX_PAYLOAD_BYTES } from '../../../src/graphql/graphql-ws.server';
import { SyncSignals } from '../../../src/sync/signals/sync-signals';
import { collect, wsClient } from '../../support/ws-client';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

/** The default of WS_MAX_SUBSCRIPTIONS_PER_SOCKET. */
const WS_MAX_SUBSCRIPTIONS_PER_SOCKET = 20;

const PROGRESS = 'subscription($id: ID!) { syncProgress(connectorId: $id) { status } }';
const DEEP = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } } } } } } } } } } }`;

/** A raw graphql-transport-ws socket, for what a well-behaved client would never send. */
function rawSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
  });
}
const closed = (ws: WebSocket) =>
  new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));

describe('WebSocket transport: the limits HTTP has', () => {
  let t: TestApp;
  const tenant = randomTenant('ws');
  let connectorId: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { WS_MAX_CONNECTIONS_PER_ADDRESS: '4' } });
    const created = await t.gql(
      `mutation { createGorgiasConnector(input: { email: "a@b.test", apiKey: "k-12345678", subdomain: "wslimits" }) { id } }`,
      {},
      t.token(tenant),
    );
    connectorId = created.data.createGorgiasConnector.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it(`closes a socket that sends a message over ${WS_MAX_PAYLOAD_BYTES} bytes (1009) before parsing it`, async () => {
    const ws = await rawSocket(t.url);
    const done = closed(ws);
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'x'.repeat(1024 * 1024) } }));
    expect((await done).code).toBe(1009);
  });

  it('closes the socket when the token is refused (4403)', async () => {
    const ws = await rawSocket(t.url);
    const done = closed(ws);
    ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer not-a-token' } }));
    expect((await done).code).toBe(4403);
  });

  it('caps open sockets per client address, and frees the slot when one closes', async () => {
    const open: WebSocket[] = [];
    for (let i = 0; i < 4; i++) open.push(await rawSocket(t.url));
    await expect(rawSocket(t.url)).rejects.toMatchObject({ status: 429 });
    const done = closed(open[0]);
    open[0].close();
    await done;
    await new Promise((r) => setTimeout(r, 100));
    open[0] = await rawSocket(t.url);
    for (const ws of open) ws.terminate();
    await new Promise((r) => setTimeout(r, 100));
  });

  it(`caps subscriptions per socket at ${WS_MAX_SUBSCRIPTIONS_PER_SOCKET}`, async () => {
    const client = wsClient(t.url, `Bearer ${t.token(tenant, 'reader')}`);
    const disposers: (() => void)[] = [];
    for (let i = 0; i < WS_MAX_SUBSCRIPTIONS_PER_SOCKET; i++) {
      disposers.push(
        client.subscribe(
          { query: PROGRESS, variables: { id: connectorId } },
          { next: () => undefined, error: () => undefined, complete: () => undefined },
        ),
      );
    }
    const extra = await collect(client, PROGRESS, { id: connectorId }, () => true, 10_000);
    expect(JSON.stringify(extra.errors)).toMatch(/At most 20 subscriptions per socket/);
    // Completing one frees a slot.
    disposers.pop()!();
    await new Promise((r) => setTimeout(r, 200));
    const refusals: unknown[] = [];
    const again = client.subscribe(
      { query: PROGRESS, variables: { id: connectorId } },
      { next: () => undefined, error: (e) => refusals.push(e), complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 300));
    again();
    disposers.forEach((d) => d());
    await client.dispose();
    expect(refusals).toEqual([]);
  });

  it("releases a quiet connector's progress subscription at once when the client completes it (1,000 times, listeners flat)", async () => {
    const bus = t.app.get(SyncSignals);
    const client = wsClient(t.url, `Bearer ${t.token(tenant, 'reader')}`);
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (bus.subscriberCount(connectorId) !== n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return bus.subscriberCount(connectorId);
    };
    const open = () =>
      client.subscribe(
        { query: PROGRESS, variables: { id: connectorId } },
        { next: () => undefined, error: () => undefined, complete: () => undefined },
      );
    // Ten held open are counted (nothing is published: the connector is quiet)...
    const held = Array.from({ length: 10 }, open);
    expect(await waitFor(10)).toBe(10);
    held.forEach((dispose) => dispose());
    expect(await waitFor(0)).toBe(0);
    // ...and 1,000 opened and completed leave none behind.
    for (let round = 0; round < 50; round++) {
      const batch = Array.from({ length: 20 }, open);
      await new Promise((r) => setTimeout(r, 5));
      batch.forEach((dispose) => dispose());
    }
    expect(await waitFor(0)).toBe(0);
    await client.dispose();
  });

  it('serves only subscriptions, and validates them with the HTTP rules (depth, width, complexity)', async () => {
    const client = wsClient(t.url, `Bearer ${t.token(tenant, 'admin')}`);
    const query = await collect(client, '{ connectors { id } }', {}, () => true, 10_000);
    expect(JSON.stringify(query.errors)).toMatch(/Only subscriptions are served over WebSocket/);
    const mutation = await collect(
      client,
      `mutation($id: ID!) { pauseConnector(id: $id) { id } }`,
      { id: connectorId },
      () => true,
      10_000,
    );
    expect(JSON.stringify(mutation.errors)).toMatch(/Only subscriptions/);
    const deep = await collect(client, DEEP, {}, () => true, 10_000);
    expect(JSON.stringify(deep.errors)).toMatch(/exceeds maximum operation depth/);
    const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: syncProgress(connectorId: $id) { status }`).join(' ');
    const wide = await collect(client, `subscription($id: ID!) { ${aliases} }`, { id: connectorId }, () => true, 10_000);
    expect(JSON.stringify(wide.errors)).toMatch(/more than 30 aliases|root fields/);
    const costly = await collect(
      client,
      `{ tickets(first: 100) { nodes { messages(first: 100) { nodes { id bodyText bodyHtml subject sender { email name } receiver { email name } attachments { url } } } } } }`,
      {},
      () => true,
      10_000,
    );
    expect(JSON.stringify(costly.errors)).toMatch(/too complex/);
    // A well-formed subscription still runs.
    const ok = await collect(client, PROGRESS, { id: '00000000-0000-4000-8000-000000000000' }, () => true, 10_000);
    expect(JSON.stringify(ok.errors)).toMatch(/NOT_FOUND|was not found/);
    await client.dispose();
  });

  it('refuses a token without an expiry over WebSocket as over HTTP', async () => {
    const { JwtService } = await import('@nestjs/jwt');
    const forever = new JwtService().sign(
      { tenantId: tenant, role: 'admin' },
      { secret: 'test-secret-0123456789abcdef0123456789abcdef', algorithm: 'HS256' },
    );
    const http = await t.gql('{ viewer { tenantId } }', {}, forever);
    expect(http.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(http.errors[0].message).toMatch(/no expiry/);
    const tooLong = t.token(tenant, 'admin', '400d');
    expect((await t.gql('{ viewer { tenantId } }', {}, tooLong)).errors[0].message).toMatch(/lifetime exceeds the maximum of 720 hours/);
    let code = 0;
    const client = wsClient(t.url, `Bearer ${forever}`, (c) => (code = c));
    const r = await collect(client, PROGRESS, { id: connectorId }, () => true, 10_000);
    expect(r.errors.length).toBeGreaterThan(0);
    expect(code).toBe(4403);
    await client.dispose();
  });
});

describe('production: errors masked and introspection off, over HTTP and WebSocket', () => {
  let t: TestApp;
  const tenant = randomTenant('prod');

  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: 'production' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers "Internal server error" with no detail on both transports', async () => {
    const admin = t.token(tenant);
    const created = await t.gql(
      `mutation { createGorgiasConnector(input: { email: "a@b.test", apiKey: "k-12345678", subdomain: "prodmask" }) { id } }`,
      {},
      admin,
    );
    const id = created.data.createGorgiasConnector.id;
    // Break the database under the app: every read of a connector now fails with an SQL error.
    const pg = new PgClient({ connectionString: t.databaseUrl });
    await pg.connect();
    await pg.query('ALTER TABLE connectors RENAME TO connectors_hidden');
    try {
      const http = await t.gql(`query($id: ID!) { connector(id: $id) { id } }`, { id }, admin);
      expect(http.errors[0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      const client = wsClient(t.url, `Bearer ${admin}`);
      const ws = await collect(client, PROGRESS, { id }, () => true, 10_000);
      const text = JSON.stringify(ws.errors);
      expect(text).toMatch(/Internal server error/);
      expect(text).not.toMatch(/connectors|relation|SELECT/i);
      await client.dispose();
    } finally {
      await pg.query('ALTER TABLE connectors_hidden RENAME TO connectors');
      await pg.end();
    }
  });

  it('refuses introspection unless GRAPHQL_INTROSPECTION enables it', async () => {
    const r = await t.gql('{ __schema { queryType { name } } }', {}, t.token(tenant, 'reader'));
    expect(r.errors?.[0].message).toMatch(/introspection/i);
    const enabled = await startTestApp({ env: { NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true' } });
    try {
      const ok = await enabled.gql('{ __schema { queryType { name } } }', {}, enabled.token(tenant, 'reader'));
      expect(ok.data.__schema.queryType.name).toBe('Query');
    } finally {
      await enabled.close();
    }
  });
});
