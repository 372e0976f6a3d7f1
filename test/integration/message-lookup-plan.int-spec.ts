import { toCustomerRows } from '../../src/gorgias/mappers/customer.mapper';
import { toTicketRows } from '../../src/gorgias/mappers/ticket.mapper';
import { GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';
import { rowsReadByScansOf } from './support/plan-reads';

/**
 * Issue 27, found at the issue's size (20,000 tickets, 89,638 messages): during an initial sync the messages
 * table has never been analysed, and the tickets' description lookup (each ticket's first message and first
 * agent reply) read the tenant's whole primary-key range for every ticket: the planner guessed
 * `tenant_id = $1` to be selective and ANDed a scan of the key by tenant with the ticket index, because that
 * index had no tenant. Quadratic in the account: 6.8 s per batch of 500 tickets. Migration 150 puts the tenant
 * first in the ticket index. This spec builds that state (a never-analysed table holding one tenant's many
 * messages), captures the statement the repository sends for a page of tickets, and runs it under EXPLAIN
 * ANALYZE with the same parameters: no plan node may read more messages than the page's tickets hold.
 */
describe('per-ticket message lookups on a never-analysed messages table', () => {
  let db: IntegrationDb;
  let scope: WriteScope;
  const TICKETS = 12_000;
  const PER_TICKET = 5;

  beforeAll(async () => {
    db = await openIntegrationDb();
    scope = await seedConnector(db.ds);
    // As an initial sync leaves it: one tenant's messages, payloads of a realistic size, no statistics yet.
    await db.ds.query(
      `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, created_at, payload, body_text, from_agent, public)
       SELECT $1, $2::uuid, g, 1 + g % $3::int, timestamptz '2025-01-01' + g * interval '1 second',
              jsonb_build_object('id', g, 'body_html', (SELECT string_agg(md5(g::text || ':' || i), '') FROM generate_series(1, 50) i)), 'body ' || g, g % 2 = 0, true
         FROM generate_series(1, $3::int * $4::int) g`,
      [scope.tenantId, scope.connectorId, TICKETS, PER_TICKET],
    );
  }, 120_000);
  afterAll(() => db?.close());

  it('reads only the page tickets’ own messages', async () => {
    const [{ reltuples }] = await db.ds.query(`SELECT reltuples FROM pg_class WHERE oid = 'messages'::regclass`);
    expect(Number(reltuples)).toBeLessThan(0); // never analysed, as during an initial sync

    const page: GorgiasTicket[] = Array.from({ length: 500 }, (_, i) => ({
      id: 5_000 + i,
      status: 'open',
      subject: `subject ${i}`,
      messages_count: PER_TICKET,
      created_datetime: '2025-01-01T00:00:00Z',
      updated_datetime: '2025-01-02T00:00:00Z',
      customer: { id: 900 + i, email: `c${i}@example.com`, name: `C ${i}` },
    }));
    const captured: { sql: string; params?: unknown[] }[] = [];
    await db.ds.transaction(async (m) => {
      const recording = { query: (sql: string, params?: unknown[]) => (captured.push({ sql, params }), m.query(sql, params)) } as typeof m;
      await new TicketWriteRepository().upsertTickets(recording, scope, { tickets: toTicketRows(page), customers: toCustomerRows(page) });
    });
    const lookups = captured.filter((s) => /FROM messages/.test(s.sql) && /ticket_external_id = k\.id/.test(s.sql));
    expect(lookups.length).toBeGreaterThan(0);

    const descriptions = await db.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE tenant_id = $1 AND description LIKE 'body %'`, [
      scope.tenantId,
    ]);
    expect(descriptions[0].n).toBe(page.length);

    for (const lookup of lookups) {
      const [{ 'QUERY PLAN': plan }] = await db.ds.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${lookup.sql}`, lookup.params);
      const readsOnMessages = rowsReadByScansOf(plan, 'messages');
      // Each ticket's messages are read (by each of the statement's lookups), never the tenant's others.
      expect(Math.max(...readsOnMessages)).toBeLessThanOrEqual(page.length * PER_TICKET);
    }
  });
});
