import { toCustomerRows } from '../../src/gorgias/mappers/customer.mapper';
import { toTicketRows } from '../../src/gorgias/mappers/ticket.mapper';
import { GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { Client, Notification } from 'pg';
import { TICKET_CHANGES_CHANNEL, TicketChangeRepository } from '../../src/tickets/changes/ticket-change.repository';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

const ticket = (id: number, over: Partial<GorgiasTicket> = {}): GorgiasTicket => ({
  id,
  status: 'open',
  subject: `subject ${id}`,
  messages_count: 0,
  created_datetime: '2025-01-01T00:00:00Z',
  updated_datetime: '2025-01-02T00:00:00Z',
  ...over,
});

/**
 * A ticket inserted by a page carries its feed stamp from the insert (this transaction, its seq drawn
 * later by the feed), so the feed does not write the row a second time; the feed still delivers it
 * exactly, and a later change stamps it with that change's position.
 */
describe('change feed stamp of tickets inserted by a page (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let scope: WriteScope;
  let feed: TicketChangeRepository;
  const write = new TicketWriteRepository();

  beforeAll(async () => {
    db = await openIntegrationDb();
    scope = await seedConnector(db.ds);
    feed = new TicketChangeRepository(db.ds);
  });
  afterAll(() => db?.close());

  /** One page transaction as the sync commits it: the write, then the feed entry of what changed. */
  const page = (tickets: GorgiasTicket[]) =>
    db.ds.transaction(async (m) => {
      const updated = () =>
        m.query(`SELECT pg_stat_get_xact_tuples_updated('tickets'::regclass)::int AS n`).then((r: { n: number }[]) => r[0].n);
      const before = await updated();
      const result = await write.upsertTickets(m, scope, { tickets: toTicketRows(tickets), customers: toCustomerRows(tickets) });
      await feed.record(m, scope, result.changedTicketIds);
      return { result, rowsUpdated: (await updated()) - before };
    });

  it('writes each new ticket once, and the feed delivers it', async () => {
    const { result, rowsUpdated } = await page([ticket(1), ticket(2)]);
    expect(result.written).toBe(2);
    // The stamp came with the insert: no second write of the rows (the stamp used to be an UPDATE of each).
    expect(rowsUpdated).toBe(0);
    const entries = await feed.page({ tenantId: scope.tenantId }, undefined, 10);
    expect(entries.map((e) => [e.row.external_id, e.row.status])).toEqual([
      ['1', 'open'],
      ['2', 'open'],
    ]);
  });

  it('stamps a later change with its own position and delivers the ticket there, once', async () => {
    const [first] = await feed.page({ tenantId: scope.tenantId }, undefined, 10);
    const { result } = await page([ticket(1, { status: 'closed', updated_datetime: '2025-01-03T00:00:00Z' })]);
    expect(result.changedTicketIds).toEqual(['1']);
    const [row] = await db.ds.query(`SELECT feed_seq::text AS seq FROM tickets WHERE tenant_id = $1 AND external_id = 1`, [scope.tenantId]);
    expect(row.seq).not.toBeNull();
    const after = await feed.page({ tenantId: scope.tenantId }, first.position, 10);
    expect(after.map((e) => [e.row.external_id, e.row.status])).toEqual([
      ['2', 'open'],
      ['1', 'closed'],
    ]);
  });

  it('records a page in three statements, and its NOTIFY arrives once, at the commit', async () => {
    const listener = new Client({ connectionString: db.url });
    await listener.connect();
    const heard: Notification[] = [];
    listener.on('notification', (n) => heard.push(n));
    await listener.query(`LISTEN ${TICKET_CHANGES_CHANNEL}`);
    try {
      await page([ticket(5)]);
      await new Promise((r) => setTimeout(r, 200));
      heard.length = 0; // that page's own NOTIFY
      const sent: string[] = [];
      await db.ds.transaction(async (m) => {
        const counted = { query: (sql: string, p: unknown[]) => (sent.push(sql), m.query(sql, p)) } as unknown as typeof m;
        const recorded = await feed.record(counted, scope, ['5', '6']);
        expect(recorded.map((r) => r.ticketExternalId)).toEqual(['5', '6']);
        await new Promise((r) => setTimeout(r, 200));
        expect(heard).toHaveLength(0); // not before the commit
      });
      // The positions given, the stamp, then the log rows with the NOTIFY (it was a fourth statement of its own).
      expect(sent).toHaveLength(3);
      for (let i = 0; i < 50 && !heard.length; i++) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      expect(heard.map((n) => JSON.parse(n.payload ?? '{}'))).toEqual([{ t: scope.tenantId, c: scope.connectorId }]);
    } finally {
      await listener.end();
    }
  });
});
