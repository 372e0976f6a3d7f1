import { startGorgiasSimulator, GorgiasSimulator } from '../../gorgias-simulator';
import { createAndActivate, withDb } from '../../support/sync-helpers';
import { freePort, randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@acme.test';
const REALTIME = `query($id: ID!) { connector(id: $id) { status realtime { mode webhookUrl lastWebhookAt manualSetup } } }`;
const LOGS = `query($id: ID!) { syncLogs(connectorId: $id, first: 50) { nodes { level message } } }`;

/** Save & Activate registers the connector's webhook in Gorgias; pause and delete remove it; a refusal keeps polling. */
describe('webhook registration in Gorgias', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('webhooks');
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    const port = await freePort(); // Gorgias must know where to post before the app starts
    t = await startTestApp({
      port,
      env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, PUBLIC_BASE_URL: `http://127.0.0.1:${port}/` },
    });
    admin = t.token(tenant, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const realtime = async (id: string) => (await t.gql(REALTIME, { id }, admin)).data.connector;
  const logText = async (id: string) =>
    (await t.gql(LOGS, { id }, admin)).data.syncLogs.nodes.map((n: any) => `${n.level} ${n.message}`).join('\n');

  it('registers one HTTP integration exactly as specified, whose deliveries are accepted; pause removes it, resume registers it again, delete removes it', async () => {
    const acct = sim.addAccount({ subdomain: 'hooks', email: EMAIL, apiKey: 'hooks-key-0123456789', seed: 5, tickets: 5 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: 'hooks-key-0123456789', subdomain: 'hooks' });
    const url = `${t.url}/webhooks/gorgias/${id}`;

    const [integ] = acct.integrations();
    expect(acct.integrations()).toHaveLength(1);
    expect(integ).toMatchObject({
      type: 'http',
      name: 'cxconnect.ai Sync',
      http: {
        url,
        method: 'POST',
        request_content_type: 'application/json',
        form: { ticket_id: '{{ticket.id}}' },
        triggers: {
          'ticket-created': true,
          'ticket-updated': true,
          'ticket-message-created': true,
          'ticket-assignment-updated': true,
          'ticket-status-updated': true,
        },
      },
    });
    const secret = /^Bearer (cxw_[A-Za-z0-9_-]{43})$/.exec(integ.http.headers.Authorization)?.[1];
    expect(secret).toBeDefined();
    expect(await realtime(id)).toMatchObject({ status: 'ACTIVE', realtime: { mode: 'WEBHOOKS', webhookUrl: url, manualSetup: null } });
    expect(await logText(id)).toMatch(/INFO Webhook registered in Gorgias \(integration \d+\)/);

    // Gorgias posts on a change: accepted and recorded (the scheduler is off in this file).
    const ticket = acct.createTicket({ subject: 'announced by webhook' });
    await acct.webhooksIdle();
    const deliveries = acct.webhookDeliveries();
    expect(deliveries.map((d) => [d.trigger, d.lastStatus, d.body])).toEqual([['ticket-created', 202, { ticket_id: String(ticket.id) }]]);
    const recorded = await withDb(t.databaseUrl, (db) =>
      db.query(`SELECT ticket_external_id::text AS id FROM ticket_refresh_requests WHERE connector_id = $1`, [id]),
    );
    expect(recorded.rows).toEqual([{ id: String(ticket.id) }]);
    expect((await realtime(id)).realtime.lastWebhookAt).not.toBeNull();

    // Issue 24: a reassignment and a close are announced by their own triggers too, and accepted.
    const agent = acct.coverage.snapshot().users[0].id;
    acct.coverage.assignUser(ticket.id, agent);
    acct.coverage.closeTicket(ticket.id);
    await acct.webhooksIdle();
    const announced = acct.webhookDeliveries().slice(1);
    expect(announced.filter((d) => d.trigger !== 'ticket-updated').map((d) => [d.trigger, d.lastStatus])).toEqual([
      ['ticket-assignment-updated', 202],
      ['ticket-status-updated', 202],
    ]);

    // The secret is nowhere in what we store or serve.
    const stored = await withDb(t.databaseUrl, (db) => db.query(`SELECT * FROM connector_webhooks`));
    expect(JSON.stringify(stored.rows)).not.toContain(secret);
    expect(JSON.stringify(await t.gql(LOGS, { id }, admin))).not.toContain(secret);

    await t.gql(`mutation($id: ID!) { pauseConnector(id: $id) { status } }`, { id }, admin);
    expect(acct.integrations()).toEqual([]);
    expect((await realtime(id)).realtime.mode).toBe('POLLING');
    expect(await logText(id)).toMatch(/INFO Webhook removed from Gorgias\./);

    await t.gql(`mutation($id: ID!) { activateConnector(id: $id) { status } }`, { id }, admin);
    expect(acct.integrations()).toHaveLength(1);
    expect(acct.integrations()[0].id).not.toBe(integ.id);
    // The secret survives pause and resume (a webhook added by hand would keep working).
    expect(acct.integrations()[0].http.headers.Authorization).toBe(`Bearer ${secret}`);
    expect((await realtime(id)).realtime.mode).toBe('WEBHOOKS');

    // Activating again does not leave a second integration behind.
    await t.gql(`mutation($id: ID!) { activateConnector(id: $id) { status } }`, { id }, admin);
    expect(acct.integrations()).toHaveLength(1);

    expect((await t.gql(`mutation($id: ID!) { deleteConnector(id: $id) }`, { id }, admin)).data.deleteConnector).toBe(true);
    expect(acct.integrations()).toEqual([]);
  });

  it("keeps polling when Gorgias refuses (not an admin's key), says so, and shows the manual steps; the secret comes once from rotateWebhookSecret", async () => {
    const acct = sim.addAccount({ subdomain: 'agent', email: EMAIL, apiKey: 'unused-admin-key-000', seed: 6, tickets: 4 });
    acct.addKey({ apiKey: 'agent-key-0123456789', email: 'agent@acme.test', admin: false });
    const id = await createAndActivate(t, admin, { email: 'agent@acme.test', apiKey: 'agent-key-0123456789', subdomain: 'agent' });
    const url = `${t.url}/webhooks/gorgias/${id}`;

    expect(acct.integrations()).toEqual([]);
    const c = await realtime(id);
    expect(c.status).toBe('ACTIVE');
    expect(c.realtime).toMatchObject({ mode: 'POLLING', webhookUrl: url, lastWebhookAt: null });
    const steps: string = c.realtime.manualSetup;
    expect(steps).toContain('only an admin');
    expect(steps).toContain(`URL: ${url}`);
    expect(steps).toContain('POST');
    expect(steps).toContain('application/json');
    expect(steps).toContain('Authorization: Bearer <webhook secret>');
    expect(steps).toContain('rotateWebhookSecret');
    expect(steps).toContain('Ticket created, Ticket updated, Ticket message created');
    expect(steps).toContain('{"ticket_id":"{{ticket.id}}"}');
    expect(await logText(id)).toMatch(
      /WARN Gorgias refused to create the webhook: only an admin's API key may add integrations\. The connector keeps syncing by polling Gorgias every 60 s\./,
    );

    // The admin adds it by hand with the secret the portal got once; its deliveries are then accepted.
    const secret = (await t.gql(`mutation($id: ID!) { rotateWebhookSecret(connectorId: $id) }`, { id }, admin)).data.rotateWebhookSecret;
    expect(JSON.stringify(await realtime(id))).not.toContain(secret);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: '{"ticket_id":"17"}',
    });
    expect(res.status).toBe(202);
    expect((await realtime(id)).realtime.mode).toBe('WEBHOOKS');

    // Pausing cannot remove an integration we did not create; its deliveries are ignored meanwhile.
    await t.gql(`mutation($id: ID!) { pauseConnector(id: $id) { status } }`, { id }, admin);
    expect((await realtime(id)).realtime.manualSetup).toContain(url);
  });
});
