import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { metricValue, parseMetrics, scrape } from '../../support/prometheus';
import { createAndActivate, withDb } from '../../support/sync-helpers';
import { createTestDatabase, TestDatabase } from '../../support/test-database';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@acme.test';
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(connectorId: $id) }`;
const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const PER_CONNECTOR = 60;
const PER_ADDRESS = 200;

const post = (base: string, connectorId: string, body: unknown, secret?: string) =>
  fetch(`${base}/webhooks/gorgias/${connectorId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/**
 * The webhook endpoint's limits (security review M-1, L-3): inactive connectors' deliveries are not
 * stored, rate limits hold across instances and answer 429 with Retry-After, every outcome is counted.
 */
describe('webhook endpoint limits', () => {
  let sim: GorgiasSimulator;
  let db: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  const tenant = randomTenant('limits');
  let admin: string;

  const start = (env: Record<string, string> = {}) =>
    startTestApp({
      databaseUrl: db.url,
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        PUBLIC_BASE_URL: 'https://sync.example.test',
        WEBHOOK_RATE_LIMIT_PER_CONNECTOR: String(PER_CONNECTOR),
        WEBHOOK_RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
        METRICS_TOKEN,
        ...env,
      },
    });
  const held = (connectorId: string) =>
    withDb(
      db.url,
      async (c) =>
        (await c.query(`SELECT count(*)::int AS n FROM ticket_refresh_requests WHERE connector_id = $1`, [connectorId])).rows[0]
          .n as number,
    );
  async function connectorWithSecret(subdomain: string) {
    sim.addAccount({ subdomain, email: EMAIL, apiKey: `key-${subdomain}-0123456789`, seed: 3, tickets: 3 });
    const id = await createAndActivate(one, admin, { email: EMAIL, apiKey: `key-${subdomain}-0123456789`, subdomain });
    const rotated = await one.gql(ROTATE, { id }, admin);
    return { id, secret: rotated.data.rotateWebhookSecret as string };
  }
  const deliveries = async (t: TestApp, labels: Record<string, string>) => {
    const res = await scrape(`${t.url}/metrics`, METRICS_TOKEN);
    return metricValue(parseMetrics(res.body), 'cxconnect_webhook_deliveries_total', labels);
  };

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    db = await createTestDatabase();
    // The scheduler stays off: requests stay in the table for the assertions.
    one = await start();
    two = await start();
    admin = one.token(tenant, 'admin');
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await sim?.close();
    await db?.drop();
  });

  it('answers 202 to a connector in ERROR and stores nothing (as for PAUSED and DRAFT)', async () => {
    const c = await connectorWithSecret('limits-error');
    await withDb(db.url, (d) => d.query(`UPDATE connectors SET status = 'ERROR' WHERE id = $1`, [c.id]));
    const before = await deliveries(one, { outcome: 'refused', reason: 'inactive_connector' });
    for (let i = 1; i <= 5; i++) expect((await post(one.url, c.id, { ticket_id: i }, c.secret)).status).toBe(202);
    expect(await held(c.id)).toBe(0);
    expect(await deliveries(one, { outcome: 'refused', reason: 'inactive_connector' })).toBe(before + 5);
  });

  it('limits authentic deliveries per connector across instances: 429 with Retry-After, never a 5xx; other connectors go on', async () => {
    const a = await connectorWithSecret('limits-a');
    const b = await connectorWithSecret('limits-b');
    const statuses: number[] = [];
    let refused: Response | undefined;
    // Alternating between the two instances: a limit per instance would let 2 x PER_CONNECTOR through.
    for (let i = 0; i < 2 * PER_CONNECTOR + 2 && !refused; i++) {
      const res = await post(i % 2 ? two.url : one.url, a.id, { ticket_id: 1 + (i % 3) }, a.secret);
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses.every((s) => s === 202 || s === 429)).toBe(true);
    expect(refused).toBeDefined();
    const accepted = statuses.filter((s) => s === 202).length;
    // PER_CONNECTOR in one minute; up to twice that only if the minute turned during the loop.
    expect(accepted).toBeGreaterThanOrEqual(PER_CONNECTOR);
    expect(accepted).toBeLessThanOrEqual(2 * PER_CONNECTOR);
    const retryAfter = Number(refused!.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60).toBe(true);
    expect(await refused!.json()).toEqual({ statusCode: 429, message: `Too many webhook deliveries; retry in ${retryAfter} s.` });
    expect((await post(one.url, b.id, { ticket_id: 1 }, b.secret)).status).toBe(202);
    const limited = (await deliveries(one, { reason: 'rate_limited' })) + (await deliveries(two, { reason: 'rate_limited' }));
    expect(limited).toBe(1);
  });

  it('counts every outcome in cxconnect_webhook_deliveries_total', async () => {
    const c = await connectorWithSecret('limits-metrics');
    const count = (labels: Record<string, string>) => deliveries(one, labels);
    const before = {
      accepted: await count({ outcome: 'accepted', reason: 'none' }),
      unauthorized: await count({ reason: 'unauthorized' }),
      unknown: await count({ reason: 'unknown_connector' }),
      invalid: await count({ reason: 'invalid_body' }),
      large: await count({ reason: 'too_large' }),
    };
    expect((await post(one.url, c.id, { ticket_id: 5 }, c.secret)).status).toBe(202);
    expect((await post(one.url, c.id, { ticket_id: 5 }, 'cxw_wrong')).status).toBe(401);
    expect((await post(one.url, '00000000-0000-4000-8000-000000000000', { ticket_id: 5 }, c.secret)).status).toBe(401);
    expect((await post(one.url, c.id, { ticket_id: 'x' }, c.secret)).status).toBe(400);
    expect((await post(one.url, c.id, 'not json', c.secret)).status).toBe(400);
    expect((await post(one.url, c.id, { ticket_id: 5, pad: 'x'.repeat(5000) }, c.secret)).status).toBe(413);
    expect(await count({ outcome: 'accepted', reason: 'none' })).toBe(before.accepted + 1);
    expect(await count({ reason: 'unauthorized' })).toBe(before.unauthorized + 1);
    expect(await count({ reason: 'unknown_connector' })).toBe(before.unknown + 1);
    expect(await count({ reason: 'invalid_body' })).toBe(before.invalid + 2);
    expect(await count({ reason: 'too_large' })).toBe(before.large + 1);
  });

  it('limits deliveries per source address, before authentication, across instances', async () => {
    // An instance of its own counts into the same PostgreSQL window as the others.
    const c = await connectorWithSecret('limits-address');
    let refused: Response | undefined;
    let sent = 0;
    for (; sent < 2 * PER_ADDRESS + 2 && !refused; sent++) {
      const res = await post(sent % 2 ? two.url : one.url, c.id, { ticket_id: 1 }, 'cxw_not-the-secret');
      if (res.status === 429) refused = res;
      else expect(res.status).toBe(401);
    }
    expect(refused).toBeDefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The genuine secret from the same address is refused too until the minute ends.
    const genuine = await post(one.url, c.id, { ticket_id: 1 }, c.secret);
    expect(genuine.status).toBe(429);
  });
});
