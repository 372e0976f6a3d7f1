import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../../../src/database/embedded-postgres';
import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { seedConnector } from '../../support/feed-helpers';
import { metricValue, parseMetrics, promtoolCheck, scrape } from '../../support/prometheus';
import { createAndActivate, TRIGGER, waitForRun } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { wsClient } from '../../support/ws-client';
import { eventually } from '../../support/poll';

const EMAIL = 'ops@acme.test';
const KEY = 'metrics-key-0123456789';
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const HEALTH = `query Health { connectors { id status health { state reason consecutiveFailures lastSuccessAt } } }`;

/** Until `read` gives a value `ok` accepts (the shared poller; its error shows the last value). */
const until = <T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean) => eventually(read, { what, until: ok });

describe('GET /metrics with METRICS_TOKEN, after syncs against the simulator', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('metrics');
  let admin: string;
  const metrics = async () => {
    const res = await scrape(`${t.url}/metrics`, METRICS_TOKEN);
    expect(res.status).toBe(200);
    return { text: res.body, families: parseMetrics(res.body) };
  };

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    t = await startTestApp({
      env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1', METRICS_TOKEN },
    });
    admin = t.token(tenant, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('refuses a scrape without the metrics token, and a tenant JWT is no metrics token', async () => {
    const none = await scrape(`${t.url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.body).toMatch(/METRICS_TOKEN/);
    expect((await scrape(`${t.url}/metrics`, 'wrong-token-0123456789')).status).toBe(401);
    expect((await scrape(`${t.url}/metrics`, admin)).status).toBe(401);
    const ok = await scrape(`${t.url}/metrics`, METRICS_TOKEN);
    expect(ok.status).toBe(200);
    expect(ok.contentType).toMatch(/^text\/plain;.*version=0\.0\.4/);
  });

  it('counts the Gorgias calls of a sync exactly as the run row does, and reports the connector HEALTHY and fresh', async () => {
    const acct = sim.addAccount({ subdomain: 'metrics-ok', email: EMAIL, apiKey: KEY, seed: 21, tickets: 120 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'metrics-ok' });
    const initial = await waitForRun(t, admin, id);
    // The run's counter moves once its outcome is committed (an observer of the finished run), so a scrape
    // right after the run reads SUCCEEDED may come before it: wait for it, then compare.
    const afterInitial = (await until('the initial run counted', metrics, (m) => metricValue(m.families, 'cxconnect_sync_runs_total') >= 1))
      .families;
    expect(metricValue(afterInitial, 'cxconnect_sync_records_total', { mode: 'INCREMENTAL', kind: 'messages' })).toBe(
      initial.messagesSynced,
    );

    const before = afterInitial;
    const triggered = (await t.gql(TRIGGER, { id, mode: 'FULL' }, admin)).data.triggerSync;
    const run = await waitForRun(t, admin, id, triggered.id);
    expect(run.status).toBe('SUCCEEDED');
    const counted = (f: typeof before) => metricValue(f, 'cxconnect_sync_runs_total', { mode: 'FULL', outcome: 'succeeded' });
    const { text, families } = await until('the FULL run counted', metrics, (m) => counted(m.families) > counted(before));

    const delta = (name: string, labels: Record<string, string> = {}) =>
      metricValue(families, name, labels) - metricValue(before, name, labels);
    // The run's counters, as stored in its row: a FULL run reads every ticket; it changed none (records counts changes).
    expect(run.ticketsRead).toBe(acct.snapshot().tickets.length);
    expect(run.ticketsSynced).toBe(0);
    expect(delta('cxconnect_sync_runs_total', { mode: 'FULL', outcome: 'succeeded' })).toBe(1);
    expect(delta('cxconnect_sync_runs_total')).toBe(1);
    expect(delta('cxconnect_sync_records_total', { mode: 'FULL', kind: 'tickets' })).toBe(run.ticketsSynced);
    expect(delta('cxconnect_sync_records_total', { mode: 'FULL', kind: 'messages' })).toBe(run.messagesSynced);
    expect(delta('cxconnect_sync_records_total', { kind: 'tickets_deleted' })).toBe(run.ticketsDeleted);
    const duration = families.get('cxconnect_sync_run_duration_seconds')!;
    expect(duration.type).toBe('HISTOGRAM');
    expect(text).toMatch(/cxconnect_sync_run_duration_seconds_count\{mode="FULL",outcome="succeeded"\} 1\n/);
    expect(run.apiRequests).toBeGreaterThan(2);
    expect(delta('cxconnect_gorgias_requests_total')).toBe(run.apiRequests);
    expect(delta('cxconnect_gorgias_requests_total', { route: '/api/messages', status_class: '2xx' })).toBeGreaterThan(0);
    expect(delta('cxconnect_gorgias_rate_limited_total')).toBe(run.rateLimitWaits);
    expect(acct.stats().requests).toBeGreaterThan(0);
    // Routes are templates: no ticket id, no subdomain in any label.
    for (const s of families.get('cxconnect_gorgias_requests_total')!.metrics) expect(s.labels!.route).toMatch(/^\/api\/[a-z_/:-]+$/);
    expect(text).not.toMatch(/metrics-ok|acme\.test/);

    expect(metricValue(families, 'cxconnect_connector_health_state', { connector_id: id, state: 'HEALTHY' })).toBe(1);
    expect(metricValue(families, 'cxconnect_connector_health_state', { connector_id: id, state: 'FAILING' })).toBe(0);
    expect(metricValue(families, 'cxconnect_connector_consecutive_failures', { connector_id: id })).toBe(0);
    const lag = metricValue(families, 'cxconnect_connector_freshness_lag_seconds', { connector_id: id });
    expect(lag).toBeGreaterThan(0);
    expect(lag).toBeLessThan(600);
    expect(metricValue(families, 'cxconnect_connectors', { status: 'ACTIVE' })).toBeGreaterThanOrEqual(1);
    const budget = metricValue(families, 'cxconnect_gorgias_rate_limit_budget_used_ratio', { connector_id: id });
    expect(budget).toBeGreaterThanOrEqual(0);
    expect(budget).toBeLessThanOrEqual(1);
    expect(metricValue(families, 'cxconnect_db_pool_max_connections')).toBe(20);
    expect(
      families
        .get('cxconnect_db_pool_connections')
        ?.metrics.map((s) => s.labels?.state)
        .sort(),
    ).toEqual(['busy', 'idle']);

    const health = await t.gql(HEALTH, {}, admin);
    const mine = health.data.connectors.find((c: any) => c.id === id);
    expect(mine.health).toMatchObject({ state: 'HEALTHY', consecutiveFailures: 0 });
    expect(new Date(mine.health.lastSuccessAt).getTime()).toBeGreaterThan(Date.now() - 600_000);
  });

  it('a connector whose key is revoked goes FAILING, in GraphQL and in the metric', async () => {
    const acct = sim.addAccount({ subdomain: 'metrics-bad', email: EMAIL, apiKey: KEY, seed: 22, tickets: 10 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'metrics-bad' });
    await waitForRun(t, admin, id);
    acct.revokeKey(KEY);
    const triggered = (await t.gql(TRIGGER, { id }, admin)).data.triggerSync;
    const run = await waitForRun(t, admin, id, triggered.id);
    expect(run.status).toBe('FAILED');

    const health = await t.gql(HEALTH, {}, admin);
    const mine = health.data.connectors.find((c: any) => c.id === id);
    expect(mine).toMatchObject({ status: 'ERROR', health: { state: 'FAILING', consecutiveFailures: 1 } });
    expect(mine.health.reason).toMatch(/API key|credentials/i);
    const { families } = await metrics();
    expect(metricValue(families, 'cxconnect_connector_health_state', { connector_id: id, state: 'FAILING' })).toBe(1);
    expect(metricValue(families, 'cxconnect_connector_consecutive_failures', { connector_id: id })).toBe(1);
    expect(metricValue(families, 'cxconnect_connectors', { status: 'ERROR' })).toBe(1);
    expect(
      metricValue(families, 'cxconnect_gorgias_requests_total', { route: '/api/tickets', status_class: '4xx' }) +
        metricValue(families, 'cxconnect_gorgias_requests_total', { route: '/api/messages', status_class: '4xx' }),
    ).toBeGreaterThan(0);
  });

  it('counts GraphQL operations by name and outcome, with their latency', async () => {
    const before = (await metrics()).families;
    expect((await t.gql(`query CountMe { connectors { id } }`, {}, admin)).errors).toBeUndefined();
    expect((await t.gql(`query CountMe { connectors { id } }`, {}, admin)).errors).toBeUndefined();
    expect((await t.gql(`query CountMe { connectors { id } }`, {}, null)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await t.gql(`query Broken { noSuchField }`, {}, admin)).errors).toBeDefined();
    // Run again and again, the query is answered by its compiled form (jit-execution.plugin): still a success.
    for (let i = 0; i < 4; i++) expect((await t.gql(`query CountMe { connectors { id } }`, {}, admin)).errors).toBeUndefined();
    const { families } = await metrics();
    const delta = (labels: Record<string, string>) =>
      metricValue(families, 'cxconnect_graphql_operations_total', labels) -
      metricValue(before, 'cxconnect_graphql_operations_total', labels);
    expect(delta({ operation_type: 'query', operation_name: 'CountMe', outcome: 'success' })).toBe(6);
    // Without a token the name is the caller's to choose: it is counted apart (metrics-operation-labels.e2e-spec.ts).
    expect(delta({ operation_type: 'query', operation_name: 'CountMe', outcome: 'error' })).toBe(0);
    expect(delta({ operation_type: 'query', operation_name: '_unauthenticated', outcome: 'error' })).toBe(1);
    expect(delta({ operation_type: 'query', operation_name: 'Broken', outcome: 'invalid' })).toBe(1);
    const latency = families.get('cxconnect_graphql_operation_duration_seconds');
    expect(latency?.type).toBe('HISTOGRAM');
  });

  it('counts subscriptions while they are open', async () => {
    sim.addAccount({ subdomain: 'metrics-subs', email: EMAIL, apiKey: KEY, seed: 23, tickets: 5 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'metrics-subs' });
    await waitForRun(t, admin, id);
    const gauge = async () => metricValue((await metrics()).families, 'cxconnect_graphql_active_subscriptions');
    const base = await gauge();
    const client = wsClient(t.url, `Bearer ${admin}`);
    const events: unknown[] = [];
    const dispose = client.subscribe(
      { query: `subscription Progress($id: ID!) { syncProgress(connectorId: $id) { runId status } }`, variables: { id } },
      { next: (v) => events.push(v), error: () => undefined, complete: () => undefined },
    );
    await until('subscription open', gauge, (v) => v === base + 1);
    expect(events.length).toBeGreaterThan(0);
    dispose();
    await until('subscription closed', gauge, (v) => v === base);

    // Operations over the socket are counted like those over HTTP, refused ones too.
    const ops = async () => (await metrics()).families;
    const count = (f: Awaited<ReturnType<typeof ops>>, labels: Record<string, string>) =>
      metricValue(f, 'cxconnect_graphql_operations_total', labels);
    const after = await ops();
    expect(count(after, { operation_type: 'subscription', operation_name: 'Progress', outcome: 'success' })).toBeGreaterThanOrEqual(1);
    const refused = await new Promise<unknown>((resolve) =>
      client.subscribe(
        { query: `subscription Nope { noSuchField }` },
        { next: () => undefined, error: resolve, complete: () => resolve(null) },
      ),
    );
    expect(refused).toBeTruthy();
    expect(count(await ops(), { operation_name: 'Nope', outcome: 'invalid' })).toBe(1);
    await client.dispose();
  });

  it('reports committed feed changes an older open transaction holds back, and how long the oldest waits', async () => {
    const holder = new Client({ connectionString: t.databaseUrl });
    const writer = new Client({ connectionString: t.databaseUrl });
    await holder.connect();
    await writer.connect();
    try {
      const connectorId = randomUUID();
      const feedTenant = randomTenant('feedmetric');
      await seedConnector(writer, connectorId, feedTenant);
      await holder.query('BEGIN');
      await holder.query('SELECT pg_current_xact_id()'); // an open transaction with an id: the horizon stops here
      await writer.query(`INSERT INTO ticket_changes (connector_id, ticket_external_id, tenant_id) VALUES ($1, 1, $2)`, [
        connectorId,
        feedTenant,
      ]);
      await new Promise((r) => setTimeout(r, 1200));
      const held = (await metrics()).families;
      expect(metricValue(held, 'cxconnect_ticket_changes_waiting')).toBeGreaterThanOrEqual(1);
      expect(metricValue(held, 'cxconnect_ticket_changes_oldest_waiting_seconds')).toBeGreaterThanOrEqual(1);
      await holder.query('ROLLBACK');
      // Other suites share the PostgreSQL cluster (transaction ids are cluster-wide) and this suite's scheduler keeps
      // syncing: their short transactions may hold a fresh change a moment, so both gauges are read from one scrape.
      await until(
        'the feed to catch up',
        async () => {
          const { families } = await metrics();
          return [
            metricValue(families, 'cxconnect_ticket_changes_waiting'),
            metricValue(families, 'cxconnect_ticket_changes_oldest_waiting_seconds'),
          ];
        },
        ([waiting, oldest]) => waiting === 0 && oldest === 0,
      );
    } finally {
      await holder.end();
      await writer.end();
    }
  });

  it('exposes every metric family the operations guide documents, and promtool accepts the exposition', async () => {
    const { text, families } = await metrics();
    for (const name of [
      'cxconnect_sync_runs_total',
      'cxconnect_sync_run_duration_seconds',
      'cxconnect_sync_records_total',
      'cxconnect_gorgias_requests_total',
      'cxconnect_gorgias_request_duration_seconds',
      'cxconnect_gorgias_rate_limited_total',
      'cxconnect_gorgias_rate_limit_wait_seconds_total',
      'cxconnect_gorgias_rate_limit_budget_used_ratio',
      'cxconnect_webhook_deliveries_total',
      'cxconnect_connector_freshness_lag_seconds',
      'cxconnect_connectors',
      'cxconnect_connector_health_state',
      'cxconnect_connector_consecutive_failures',
      'cxconnect_graphql_operations_total',
      'cxconnect_graphql_operation_duration_seconds',
      'cxconnect_graphql_active_subscriptions',
      'cxconnect_db_pool_connections',
      'cxconnect_db_pool_waiting_requests',
      'cxconnect_db_pool_max_connections',
      'cxconnect_ticket_changes_waiting',
      'cxconnect_ticket_changes_oldest_waiting_seconds',
      'cxconnect_verification_differences',
      'cxconnect_verification_checked',
      'cxconnect_verification_repaired',
      'cxconnect_verification_age_seconds',
      'cxconnect_verification_differing_streak',
      'process_cpu_seconds_total',
    ]) {
      expect([name, text.includes(`# TYPE ${name} `)]).toEqual([name, true]);
    }
    expect(families.size).toBeGreaterThan(10);
    const problems = await promtoolCheck('metrics', text);
    if (problems === null) {
      console.log("promtool is not installed: skipping `promtool check metrics` (CI installs Debian's prometheus package)");
      return;
    }
    expect(problems).toBe('');
  });

  it('the alert rules of docs/operations.md use metrics that exist, and promtool accepts them', async () => {
    const doc = readFileSync(path.resolve(__dirname, '../../../docs/operations.md'), 'utf8');
    const rules = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.startsWith('groups:'));
    expect(rules).toBeDefined();
    expect(rules!.match(/- alert: /g)).toHaveLength(5);
    const { families } = await metrics();
    for (const name of new Set(rules!.match(/cxconnect_[a-z_]+/g))) expect([name, families.has(name)]).toEqual([name, true]);
    const problems = await promtoolCheck('rules', rules!);
    if (problems === null) {
      console.log("promtool is not installed: skipping `promtool check rules` (CI installs Debian's prometheus package)");
      return;
    }
    expect(problems).toBe('');
  });
});

describe('GET /metrics access configuration', () => {
  it('is off (404) when neither METRICS_TOKEN nor METRICS_PORT is set', async () => {
    const t = await startTestApp();
    try {
      const res = await scrape(`${t.url}/metrics`);
      expect(res.status).toBe(404);
      expect(res.body).toMatch(/METRICS_TOKEN or METRICS_PORT/);
    } finally {
      await t.close();
    }
  });

  it('with METRICS_PORT, is served on that port only (and needs the token there when one is set)', async () => {
    const port = await freePort();
    const t = await startTestApp({ env: { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1', METRICS_TOKEN } });
    try {
      expect((await scrape(`${t.url}/metrics`, METRICS_TOKEN)).status).toBe(404);
      expect((await scrape(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
      const ok = await scrape(`http://127.0.0.1:${port}/metrics`, METRICS_TOKEN);
      expect(ok.status).toBe(200);
      expect(parseMetrics(ok.body).has('cxconnect_connectors')).toBe(true);
      expect((await scrape(`http://127.0.0.1:${port}/graphql`, METRICS_TOKEN)).status).toBe(404);
    } finally {
      await t.close();
    }
    // Closed with the app.
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
