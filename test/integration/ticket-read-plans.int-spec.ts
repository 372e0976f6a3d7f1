import type { AuthUser } from '../../src/auth/auth-user';
import type { AppConfig } from '../../src/config/app.config';
import { PreparedReads } from '../../src/database/prepared-reads';
import { sqlLimit } from '../../src/database/sql-literal';
import { searchTickets } from '../../src/tickets/queries/ticket-search';
import { buildTicketWhere, searchQuery } from '../../src/tickets/repositories/ticket-where';
import { TicketRepository } from '../../src/tickets/repositories/ticket.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

/**
 * The hot reads are prepared statements that PostgreSQL plans once (a generic plan) instead of on
 * every request: what the page size and the search words look like must not make it plan again.
 */
describe('ticket reads keep one generic plan (real PostgreSQL, one pooled connection)', () => {
  let db: IntegrationDb;
  let user: AuthUser;
  let tickets: TicketRepository;
  beforeAll(async () => {
    db = await openIntegrationDb({ max: 1 });
    const { tenantId, connectorId } = await seedConnector(db.ds);
    user = { tenantId, role: 'reader' } as AuthUser;
    await db.ds.query(
      `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, status, created_at, updated_at, payload)
       SELECT $1, $2, i, CASE WHEN i % 3 = 0 THEN 'refund for a damaged box' ELSE 'where is my order' END, 'open',
              now() - i * interval '1 hour', now() - i * interval '1 minute', '{}'::jsonb
       FROM generate_series(1, 300) i`,
      [tenantId, connectorId],
    );
    await db.ds.query('ANALYZE tickets');
    tickets = new TicketRepository(new PreparedReads(db.ds, { database: { preparedStatements: 100 } } as AppConfig));
  });
  afterAll(() => db?.close());

  async function plans(like: string): Promise<{ generic_plans: string; custom_plans: string }> {
    const rows = await db.ds.query(`SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE $1`, [like]);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  it('a list page', async () => {
    for (let i = 0; i < 10; i++) {
      const w = buildTicketWhere(user.tenantId, {});
      const rows = await tickets.list(w, sqlLimit(21));
      expect(rows).toHaveLength(21);
    }
    const p = await plans('%ORDER BY t.updated_at DESC, t.id DESC LIMIT 21');
    expect(Number(p.generic_plans)).toBeGreaterThanOrEqual(4);
  });

  it('a search, whatever the words', async () => {
    const words = ['refund', 'damaged box', 'order', 'refund', 'nothing-like-this', 'box', 'refund', 'order', 'where', 'refund'];
    for (const search of words) {
      const w = buildTicketWhere(user.tenantId, { search });
      const rows = await searchTickets(tickets, w, searchQuery(w, { search })!, sqlLimit(21), 20);
      expect(rows).toHaveLength(search === 'nothing-like-this' ? 0 : 21);
    }
    const p = await plans('%EXISTS%websearch_to_tsquery%LIMIT 21');
    expect(Number(p.generic_plans)).toBeGreaterThanOrEqual(4);
  });
});
