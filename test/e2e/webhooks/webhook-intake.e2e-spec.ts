import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, withDb } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@acme.test';
const ROTATE = `mutation($id: ID!) { rotateWebhookSecret(connectorId: $id) }`;
const PAUSE = `mutation($id: ID!) { pauseConnector(id: $id) { status } }`;

/** POST /webhooks/gorgias/:id: authentication, limits and recording, without the scheduler. */
describe('webhook intake', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('intake');
  let admin: string;
  let a: { id: string; secret: string };
  let b: { id: string; secret: string };

  const post = (connectorId: string, body: unknown, secret?: string | null, headers: Record<string, string> = {}) =>
    fetch(`${t.url}/webhooks/gorgias/${connectorId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const requests = (connectorId: string) =>
    withDb(t.databaseUrl, async (db) =>
      (
        await db.query(
          `SELECT ticket_external_id::text AS id FROM ticket_refresh_requests WHERE connector_id = $1 ORDER BY ticket_external_id`,
          [connectorId],
        )
      ).rows.map((r) => r.id),
    );

  async function connectorWithSecret(subdomain: string) {
    sim.addAccount({ subdomain, email: EMAIL, apiKey: `key-${subdomain}-0123456789`, seed: 3, tickets: 3 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: `key-${subdomain}-0123456789`, subdomain });
    const rotated = await t.gql(ROTATE, { id }, admin);
    expect(rotated.errors).toBeUndefined();
    return { id, secret: rotated.data.rotateWebhookSecret as string };
  }

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    // The scheduler stays off: requests stay in the table for the assertions.
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, PUBLIC_BASE_URL: 'https://sync.example.test' } });
    admin = t.token(tenant, 'admin');
    a = await connectorWithSecret('intake-a');
    b = await connectorWithSecret('intake-b');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('answers 202 to an authentic webhook and records one refresh request per ticket, duplicates folded', async () => {
    for (const body of [{ ticket_id: '1001' }, { ticket_id: 1001 }, { ticket_id: 1002 }, { ticket_id: ' 1001 ' }]) {
      const res = await post(a.id, body, a.secret);
      expect(res.status).toBe(202);
      expect(await res.text()).toBe('');
    }
    // The body is JSON whatever the Content-Type says (a Gorgias integration may be set to send another).
    expect((await post(a.id, { ticket_id: 1002 }, a.secret, { 'content-type': 'text/plain' })).status).toBe(202);
    expect(await requests(a.id)).toEqual(['1001', '1002']);
    const seen = await t.gql(`query($id: ID!) { connector(id: $id) { realtime { lastWebhookAt webhookUrl } } }`, { id: a.id }, admin);
    expect(seen.data.connector.realtime.lastWebhookAt).not.toBeNull();
    expect(seen.data.connector.realtime.webhookUrl).toBe(`https://sync.example.test/webhooks/gorgias/${a.id}`);
  });

  it("answers a bare 401 to no secret, a wrong secret, another connector's secret and an unknown connector", async () => {
    const attempts = [
      await post(b.id, { ticket_id: 7 }, null),
      await post(b.id, { ticket_id: 7 }, 'cxw_wrong'),
      await post(b.id, { ticket_id: 7 }, `${b.secret}x`),
      await post(b.id, { ticket_id: 7 }, a.secret),
      await post(b.id, { ticket_id: 7 }, null, { authorization: b.secret }), // not a Bearer
      await post('00000000-0000-4000-8000-000000000000', { ticket_id: 7 }, a.secret),
      await post('not-a-uuid', { ticket_id: 7 }, a.secret),
    ];
    for (const res of attempts) {
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ statusCode: 401, message: 'Unauthorized' });
    }
    expect(await requests(b.id)).toEqual([]);
  });

  it('refuses bodies over 4 KiB with 413 and malformed ones with 400 naming the field', async () => {
    const big = await post(b.id, { ticket_id: 8, padding: 'x'.repeat(5000) }, b.secret);
    expect(big.status).toBe(413);
    expect((await big.json()).message).toMatch(/4096 bytes/);
    const notJson = await post(b.id, 'ticket_id=8', b.secret);
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).message).toMatch(/must be JSON/);
    // Read as JSON whatever the Content-Type: as a form, the same text is still not JSON.
    const asForm = await post(b.id, 'ticket_id=8', b.secret, { 'content-type': 'application/x-www-form-urlencoded' });
    expect(asForm.status).toBe(400);
    expect((await asForm.json()).message).toMatch(/must be JSON/);
    const bigAsText = await post(b.id, { ticket_id: 8, padding: 'x'.repeat(5000) }, b.secret, { 'content-type': 'text/plain' });
    expect(bigAsText.status).toBe(413);
    for (const body of [
      {},
      { ticket_id: 'abc' },
      { ticket_id: -3 },
      { ticket_id: 1.5 },
      { ticket_id: '99999999999999999999' },
      [8],
      { ticket_id: null },
    ]) {
      const res = await post(b.id, body, b.secret);
      expect(res.status).toBe(400);
      expect((await res.json()).message).toMatch(/^ticket_id: must be the Gorgias ticket id/);
    }
    expect(await requests(b.id)).toEqual([]);
  });

  it('answers 2xx to a paused connector and ignores the webhook', async () => {
    const c = await connectorWithSecret('intake-paused');
    expect((await t.gql(PAUSE, { id: c.id }, admin)).data.pauseConnector.status).toBe('PAUSED');
    const res = await post(c.id, { ticket_id: 55 }, c.secret);
    expect(res.status).toBe(202);
    expect(await requests(c.id)).toEqual([]);
  });

  it('never returns the secret after it was made, and stores it only encrypted', async () => {
    const q = await t.gql(
      `query($id: ID!) { connector(id: $id) { realtime { mode webhookUrl lastWebhookAt manualSetup } } }`,
      { id: b.id },
      admin,
    );
    expect(JSON.stringify(q)).not.toContain(b.secret);
    const stored = await withDb(t.databaseUrl, (db) => db.query(`SELECT * FROM connector_webhooks WHERE connector_id = $1`, [b.id]));
    expect(JSON.stringify(stored.rows)).not.toContain(b.secret);
    const reader = await t.gql(ROTATE, { id: b.id }, t.token(tenant, 'reader'));
    expect(reader.errors[0].extensions.code).toBe('FORBIDDEN');
    const otherTenant = await t.gql(ROTATE, { id: b.id }, t.token(randomTenant('other'), 'admin'));
    expect(otherTenant.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});
