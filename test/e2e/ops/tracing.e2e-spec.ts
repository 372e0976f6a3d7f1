import * as path from 'node:path';
import { signToken } from '../../../src/auth/auth.service';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { AppProcess, gqlAt, startAppProcess, startSyncingAppProcess } from '../../support/app-process';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { randomTenant, TEST_JWT_SECRET } from '../../support/test-app';
import { eventually } from '../../support/poll';

interface SpanRecord {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
}

const EMAIL = 'trace@acme.test';
const KEY = 'trace-key-0123456789';
const SERVER = 1; // SpanKind.SERVER
const CLIENT = 2; // SpanKind.CLIENT

/** The finished spans the gateway's in-memory exporter holds (test/support/memory-tracing.js). */
function spansOf(app: AppProcess): Promise<SpanRecord[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer over IPC')), 10_000);
    app.child.once('message', (m: any) => {
      clearTimeout(timer);
      resolve(m.spans);
    });
    app.child.send('spans');
  });
}

/** JSON log lines the gateway printed. */
const logLines = (app: AppProcess) =>
  app
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));

/**
 * The built gateway runs in its own process with the app's tracing started on an in-memory span
 * exporter (OpenTelemetry cannot patch modules inside Jest), and reports its spans over IPC.
 */
describe('OpenTelemetry tracing (in-memory exporter in a gateway process)', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  let app: AppProcess;
  const tenant = randomTenant('trace');
  const token = signToken({ tenantId: tenant, role: 'admin' }, TEST_JWT_SECRET);
  let connectorId: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    sim.addAccount({ subdomain: 'traced', email: EMAIL, apiKey: KEY, seed: 31, tickets: 30 });
    db = await createTestDatabase();
    app = await startAppProcess(
      { DATABASE_URL: db.url, GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' },
      { preload: path.resolve(__dirname, '../../support/memory-tracing.js'), ipc: true },
    );
    const created = await gqlAt(
      app.url,
      token,
      `mutation { createGorgiasConnector(input: { email: "${EMAIL}", apiKey: "${KEY}", subdomain: "traced" }) { id } }`,
    );
    connectorId = created.data.createGorgiasConnector.id;
    await gqlAt(app.url, token, `mutation Activate($id: ID!) { activateConnector(id: $id) { id } }`, { id: connectorId });
    const deadline = Date.now() + 60_000;
    for (;;) {
      const runs = await gqlAt(app.url, token, `query($id: ID!) { syncRuns(connectorId: $id, first: 1) { nodes { status } } }`, {
        id: connectorId,
      });
      if (['SUCCEEDED', 'FAILED'].includes(runs.data?.syncRuns.nodes[0]?.status)) break;
      if (Date.now() > deadline) throw new Error('the initial sync did not finish');
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
    await sim?.close();
  });

  it('one trace per GraphQL operation: the HTTP request, the GraphQL execution and its SQL, and log lines carry its trace id', async () => {
    const res = await gqlAt(app.url, token, `query TracedQuery { connectors { id health { state } } }`);
    expect(res.data.connectors).toHaveLength(1);
    const spans = await spansOf(app);
    const execute = spans.find((s) => s.name === 'query TracedQuery');
    expect(execute).toBeDefined();
    const trace = spans.filter((s) => s.traceId === execute!.traceId);
    const root = trace.find((s) => s.parentSpanId === null);
    expect(root).toMatchObject({ kind: SERVER });
    expect(String(root!.attributes['http.route'] ?? root!.attributes['url.path'] ?? root!.attributes['http.target'] ?? root!.name)).toMatch(
      /graphql|POST/,
    );
    const sql = trace.filter((s) => s.attributes['db.system'] === 'postgresql' || s.attributes['db.system.name'] === 'postgresql');
    expect(sql.length).toBeGreaterThan(0);
    // Connector.health for the list is one query (DataLoader), not one per connector.
    expect(sql.filter((s) => /sync_runs/.test(String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? ''))).length).toBe(1);
    // No other operation shares the trace.
    expect(trace.filter((s) => /^(query|mutation|subscription)\b/.test(s.name))).toHaveLength(1);
    // Literals in GraphQL documents (an API key typed into a mutation) never reach a span.
    expect(JSON.stringify(spans)).not.toContain(KEY);

    const line = await waitForLog(() => logLines(app).find((l) => l.trace_id === execute!.traceId));
    expect(line.span_id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('keeps no query string in any span: a GET /graphql with an API key in it, a webhook post with one', async () => {
    const key = 'GETSECRETKEY9876';
    const mutation = `mutation{checkGorgiasCredentials(input:{email:"${EMAIL}",apiKey:"${key}",subdomain:"traced"}){ok}}`;
    const get = await fetch(`${app.url}/graphql?query=${encodeURIComponent(mutation)}`, {
      headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': '1' },
    });
    expect(get.status).toBe(405); // Apollo runs no mutation over GET, yet the request was traced
    const hook = await fetch(`${app.url}/webhooks/gorgias/${connectorId}?secret=WEBHOOKSECRET5432`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong' },
      body: '{"ticket_id":"1"}',
    });
    expect(hook.status).toBe(401);
    const spans = await waitForLog(async () => {
      const all = await spansOf(app);
      const paths = all.map((s) => s.attributes['url.path']);
      return paths.includes('/graphql') && paths.includes(`/webhooks/gorgias/${connectorId}`) ? all : undefined;
    });
    const servers = spans.filter((s) => s.kind === SERVER && /^\/(graphql|webhooks)/.test(String(s.attributes['url.path'])));
    // Both requests had a query string: their spans say so, and no more.
    const queries = servers.map((s) => s.attributes['url.query']).filter((q) => q !== undefined);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    expect(new Set(queries)).toEqual(new Set(['REDACTED']));
    // Nest's controller span records the URL too: its path stays, its query does not.
    const controller = spans.find((s) => s.name === 'WebhookController.gorgias');
    expect(controller?.attributes['url.full']).toBe(`/webhooks/gorgias/${connectorId}?REDACTED`);
    const everything = JSON.stringify(spans);
    expect(everything).not.toContain(key);
    expect(everything).not.toContain('WEBHOOKSECRET5432');
  });

  it('one trace per sync page: its Gorgias call, its SQL and its write, never inside the activation request', async () => {
    const spans = await spansOf(app);
    const pages = spans.filter((s) => s.name === 'sync.page' && s.attributes['cxconnect.connector_id'] === connectorId);
    expect(pages.length).toBeGreaterThanOrEqual(2); // at least one messages page and one tickets page
    expect(new Set(pages.map((p) => p.traceId)).size).toBe(pages.length);
    for (const page of pages) expect(page.parentSpanId).toBeNull();
    expect(new Set(pages.map((p) => p.attributes['cxconnect.sync.stage']))).toEqual(new Set(['messages', 'tickets']));
    const page = pages.find((p) => p.attributes['cxconnect.sync.stage'] === 'messages')!;
    expect(page.attributes['cxconnect.sync.run_id']).toMatch(/^[0-9a-f-]{36}$/);
    const trace = spans.filter((s) => s.traceId === page.traceId);
    const gorgias = trace.filter(
      (s) => s.kind === CLIENT && /\/traced\/api\/messages/.test(String(s.attributes['url.full'] ?? s.attributes['http.url'] ?? '')),
    );
    expect(gorgias.length).toBeGreaterThanOrEqual(1);
    const write = trace.find((s) => s.name === 'sync.write');
    expect(write?.parentSpanId).toBe(page.spanId);
    const sqlUnderWrite = trace.filter((s) => s.parentSpanId === write!.spanId && /^pg\.(query|connect)|^pg-pool/.test(s.name));
    expect(sqlUnderWrite.length).toBeGreaterThan(0);
    // Stages outside list walks are traces of their own, with their writes.
    const events = spans.find(
      (s) =>
        s.name === 'sync.stage' &&
        s.attributes['cxconnect.sync.stage'] === 'events' &&
        s.attributes['cxconnect.connector_id'] === connectorId,
    );
    expect(events?.parentSpanId).toBeNull();
    expect(spans.some((s) => s.name === 'sync.write' && s.parentSpanId === events!.spanId)).toBe(true);
    // The activation request's trace holds no page.
    const activation = spans.find((s) => s.name === 'mutation Activate')!;
    expect(spans.filter((s) => s.traceId === activation.traceId && s.name.startsWith('sync.'))).toEqual([]);

    // A sync line written inside a page names the page's trace and the run.
    const lines = logLines(app).filter((l) => l.connectorId === connectorId && l.trace_id);
    expect(
      lines.some((l) => pages.some((p) => p.traceId === l.trace_id) && l.runId === page.attributes['cxconnect.sync.run_id'] && !l.req),
    ).toBe(true);
  });
});

describe('background work logs as itself', () => {
  let sim: GorgiasSimulator;
  let app: AppProcess;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    ({ sim, app, stop } = await startSyncingAppProcess());
  });
  afterAll(() => stop?.());

  it('lines of a sync started by Save & Activate carry the connector and run ids, not the activation request', async () => {
    sim.addAccount({ subdomain: 'bg-logs', email: EMAIL, apiKey: KEY, seed: 32, tickets: 20 });
    const token = signToken({ tenantId: randomTenant('bg'), role: 'admin' }, TEST_JWT_SECRET);
    const created = await gqlAt(
      app.url,
      token,
      `mutation { createGorgiasConnector(input: { email: "${EMAIL}", apiKey: "${KEY}", subdomain: "bg-logs" }) { id } }`,
    );
    const id = created.data.createGorgiasConnector.id;
    await gqlAt(app.url, token, `mutation($id: ID!) { activateConnector(id: $id) { id } }`, { id });
    const done = await waitForLog(() => logLines(app).find((l) => /^Sync succeeded/.test(l.msg) && l.connectorId === id), 60_000);
    const runId = done.runId;
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const runLines = logLines(app).filter((l) => l.runId === runId);
    expect(runLines.length).toBeGreaterThan(2);
    for (const line of runLines) {
      expect([line.msg, line.req]).toEqual([line.msg, undefined]);
      expect(line.connectorId).toBe(id);
    }
    // The activation's own line does belong to its request.
    const activated = logLines(app).find((l) => /Connector activated/.test(l.msg) && l.connectorId === id);
    expect(activated?.req).toMatchObject({ method: 'POST', url: '/graphql' });
  });
});

const waitForLog = <T>(find: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000) =>
  eventually(find, { what: 'the log line', timeoutMs });
