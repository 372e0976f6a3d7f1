import { TicketRefreshRequestRepository } from '../../src/sync/repositories/ticket-refresh-request.repository';
import { WebhookBacklogRepository } from '../../src/sync/repositories/webhook-backlog.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

const DAY_MS = 24 * 60 * 60_000;

/** What webhooks leave behind is deleted, by any number of instances at once (real PostgreSQL). */
describe('webhook backlog pruning (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let requests: TicketRefreshRequestRepository;

  beforeAll(async () => {
    db = await openIntegrationDb();
    requests = new TicketRefreshRequestRepository(db.ds);
  });
  afterAll(() => db?.close());

  const count = async (sql: string, params: unknown[] = []) => (await db.ds.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n;

  it('deletes requests older than a day, expired memories of answered ids, past rate windows and markers nothing backs; two instances at once', async () => {
    const errored = await seedConnector(db.ds);
    const live = await seedConnector(db.ds);
    for (const id of ['1', '2']) await requests.record(errored, id, 10);
    await requests.record(live, '3', 10);
    // The connector went to ERROR a day ago with its requests held: nothing reads them any more.
    await db.ds.query(`UPDATE connectors SET status = 'ERROR' WHERE id = $1`, [errored.connectorId]);
    await db.ds.query(
      `UPDATE ticket_refresh_requests SET first_received_at = now() - interval '25 hours', last_received_at = now() - interval '25 hours'
        WHERE connector_id = $1`,
      [errored.connectorId],
    );
    await db.ds.query(
      `UPDATE webhook_refresh_state SET due_since = now() - interval '25 hours', walk_requested_at = now() - interval '25 hours'
        WHERE connector_id = $1`,
      [errored.connectorId],
    );
    await db.ds.query(
      `INSERT INTO webhook_answered_tickets (tenant_id, connector_id, ticket_external_id, not_found, until)
       VALUES ($2, $1, 8, true, now() - interval '1 second'), ($2, $1, 9, true, now() + interval '1 hour')`,
      [live.connectorId, live.tenantId],
    );
    await db.ds.query(
      `INSERT INTO webhook_rate_counters (scope, subject, window_start, hits) VALUES
         ('address', 'a', now() - interval '10 minutes', 5), ('address', 'a', date_trunc('minute', now()), 1)`,
    );

    const [a, b] = await Promise.all([0, 1].map(() => new WebhookBacklogRepository(db.ds).prune(DAY_MS)));
    expect(a.requests + b.requests).toBe(2);
    expect(a.missingIds + b.missingIds).toBe(1);
    expect(a.counters + b.counters).toBe(1);
    expect(await count(`ticket_refresh_requests WHERE connector_id = $1`, [errored.connectorId])).toBe(0);
    expect(await count(`ticket_refresh_requests WHERE connector_id = $1`, [live.connectorId])).toBe(1);
    expect(await count(`webhook_answered_tickets WHERE connector_id = $1`, [live.connectorId])).toBe(1);
    expect(await count(`webhook_rate_counters WHERE subject = 'a'`)).toBe(1);
    expect(
      await count(`webhook_refresh_state WHERE connector_id = $1 AND due_since IS NULL AND walk_requested_at IS NULL`, [
        errored.connectorId,
      ]),
    ).toBe(1);
    // The live connector's marker is backed by its request: it stays due.
    expect(await count(`webhook_refresh_state WHERE connector_id = $1 AND due_since IS NOT NULL`, [live.connectorId])).toBe(1);
  });

  it("deletes a connector's requests, markers and answered ids with the connector", async () => {
    const gone = await seedConnector(db.ds);
    await requests.record(gone, '1', 10);
    await db.ds.query(
      `INSERT INTO webhook_answered_tickets (tenant_id, connector_id, ticket_external_id, not_found, until) VALUES ($2, $1, 2, true, now() + interval '1 hour')`,
      [gone.connectorId, gone.tenantId],
    );
    await db.ds.query(`DELETE FROM connectors WHERE id = $1`, [gone.connectorId]);
    for (const table of ['ticket_refresh_requests', 'webhook_refresh_state', 'webhook_answered_tickets']) {
      expect(await count(`${table} WHERE connector_id = $1`, [gone.connectorId])).toBe(0);
    }
  });
});
