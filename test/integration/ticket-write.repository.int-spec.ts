import { toCustomerRows } from '../../src/gorgias/mappers/customer.mapper';
import { toMessageRows } from '../../src/gorgias/mappers/message.mapper';
import { toTicketRows } from '../../src/gorgias/mappers/ticket.mapper';
import { GorgiasMessage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { TicketReconcileRepository } from '../../src/tickets/repositories/ticket-reconcile.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

const ticket = (id: number, over: Partial<GorgiasTicket> = {}): GorgiasTicket => ({
  id,
  status: 'open',
  subject: `subject ${id}`,
  messages_count: 1,
  created_datetime: '2025-01-01T00:00:00Z',
  updated_datetime: '2025-01-02T00:00:00Z',
  customer: { id: 900 + id, email: `c${id}@example.com`, name: `C ${id}` },
  ...over,
});

const message = (id: number, ticketId: number, over: Partial<GorgiasMessage> = {}): GorgiasMessage => ({
  id,
  ticket_id: ticketId,
  body_text: `body ${id}`,
  created_datetime: `2025-01-01T00:00:${String(id % 60).padStart(2, '0')}Z`,
  ...over,
});

describe('TicketWriteRepository (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let scope: WriteScope;
  const repo = new TicketWriteRepository();
  const upsertTickets = (tickets: GorgiasTicket[], seenSince: Date | null = null) =>
    db.ds.transaction((m) =>
      repo.upsertTickets(m, scope, { tickets: toTicketRows(tickets), customers: toCustomerRows(tickets) }, seenSince),
    );
  const upsertMessages = (messages: GorgiasMessage[]) => db.ds.transaction((m) => repo.upsertMessages(m, scope, toMessageRows(messages)));
  const stored = (id: number) =>
    db.ds
      .query(`SELECT status, subject, deleted_at, synced_at, description FROM tickets WHERE connector_id = $1 AND external_id = $2`, [
        scope.connectorId,
        id,
      ])
      .then((r) => r[0]);

  beforeAll(async () => {
    db = await openIntegrationDb();
    scope = await seedConnector(db.ds);
  });
  afterAll(() => db?.close());

  it('reports inserted tickets as changed, and a re-read of the same version as no change', async () => {
    expect(await upsertTickets([ticket(1), ticket(2)])).toEqual({ written: 2, changedTicketIds: expect.arrayContaining(['1', '2']) });
    const before = await stored(1);
    // Read again unchanged (the overlap window of every incremental run): nothing written, nothing counted.
    expect(await upsertTickets([ticket(1), ticket(2)])).toEqual({ written: 0, changedTicketIds: [] });
    // The row was not rewritten at all (its synced_at stamp is unchanged).
    expect((await stored(1)).synced_at).toEqual(before.synced_at);
    const [customer] = await db.ds.query(`SELECT email, name FROM customers WHERE connector_id = $1 AND external_id = 901`, [
      scope.connectorId,
    ]);
    expect(customer).toEqual({ email: 'c1@example.com', name: 'C 1' });
  });

  it('reports a newer version that changes what the API shows; never goes back to an older one', async () => {
    const newer = ticket(1, { status: 'closed', updated_datetime: '2025-01-03T00:00:00Z' });
    expect((await upsertTickets([newer])).changedTicketIds).toEqual(['1']);
    expect((await stored(1)).status).toBe('closed');
    expect((await upsertTickets([ticket(1, { status: 'open' })])).changedTicketIds).toEqual([]);
    expect((await stored(1)).status).toBe('closed');
  });

  it('stamps tickets a FULL run sees without reporting them as changed', async () => {
    const before = new Date((await stored(2)).synced_at);
    const result = await upsertTickets([ticket(2)], new Date(Date.now() + 60_000));
    expect(result.changedTicketIds).toEqual([]);
    expect(new Date((await stored(2)).synced_at).getTime()).toBeGreaterThan(before.getTime());
    await db.ds.transaction(async (m) => {
      // Ticket 1 was not seen since `since`: a sweep marks it, and only it.
      expect(await repo.markTicketsNotSeenSinceDeleted(m, scope, new Date((await stored(2)).synced_at))).toEqual({
        written: 1,
        changedTicketIds: ['1'],
      });
    });
    expect((await stored(1)).deleted_at).not.toBeNull();
  });

  it('reports deletions once, and a deleted ticket seen again as restored', async () => {
    await db.ds.transaction(async (m) => {
      expect(await repo.markTicketsDeleted(m, scope, ['2', 2], new Date())).toEqual({ written: 1, changedTicketIds: ['2'] });
      expect(await repo.markTicketsDeleted(m, scope, ['2'], new Date())).toEqual({ written: 0, changedTicketIds: [] });
    });
    expect((await upsertTickets([ticket(2)])).changedTicketIds).toEqual(['2']);
    expect((await stored(2)).deleted_at).toBeNull();
  });

  it('reports messages added, changed, moved and deleted by their tickets, and derives the description', async () => {
    await upsertTickets([ticket(3), ticket(4)]);
    expect(await upsertMessages([message(31, 3), message(32, 3)])).toEqual({ written: 2, changedTicketIds: ['3'] });
    expect((await stored(3)).description).toBe('body 31');
    expect(await upsertMessages([message(31, 3), message(32, 3)])).toEqual({ written: 0, changedTicketIds: [] });
    expect(await upsertMessages([message(31, 3, { body_text: 'edited' }), message(32, 3)])).toEqual({
      written: 1,
      changedTicketIds: ['3'],
    });
    expect((await stored(3)).description).toBe('edited');
    expect((await upsertMessages([message(32, 4)])).changedTicketIds.sort()).toEqual(['3', '4']);
    await db.ds.transaction(async (m) => {
      expect(await repo.markUnlistedMessagesDeleted(m, scope, '3', [])).toEqual({ written: 1, changedTicketIds: ['3'] });
      expect(await repo.markUnlistedMessagesDeleted(m, scope, '3', [])).toEqual({ written: 0, changedTicketIds: [] });
    });
    // No live message left: the description falls back to the excerpt (none here).
    expect((await stored(3)).description).toBeNull();
  });

  it('stores an initial page once: one statement for new messages, no before-read, no ticket row written twice', async () => {
    const statements: string[] = [];
    const tuples = (m: { query: (s: string) => Promise<{ n: string }[]> }, table: string) =>
      m.query(`SELECT pg_stat_get_xact_tuples_updated('${table}'::regclass)::text AS n`).then((r) => Number(r[0].n));
    await db.ds.transaction(async (m) => {
      // Counts pending in this backend (earlier transactions' may not be flushed yet): compared before and after.
      const updatedBefore = { tickets: await tuples(m, 'tickets'), messages: await tuples(m, 'messages') };
      const recording = { query: (sql: string, params?: unknown[]) => (statements.push(sql), m.query(sql, params)) } as typeof m;
      // An initial sync reads the messages first, then their tickets.
      expect(
        await repo.upsertMessages(recording, scope, toMessageRows([message(61, 60), message(62, 60, { body_text: 'later' })])),
      ).toEqual({
        written: 2,
        changedTicketIds: ['60'],
      });
      // The INSERT first (no read before it); then only the description refresh of stored tickets (none yet).
      expect(statements[0]).toMatch(/^INSERT INTO messages/);
      expect(statements.slice(1).map((s) => s.trim().slice(0, 27))).toEqual(['UPDATE tickets t SET descri']);
      const page = [ticket(60, { excerpt: 'the excerpt' } as Partial<GorgiasTicket>), ticket(63)];
      expect(await repo.upsertTickets(recording, scope, { tickets: toTicketRows(page), customers: toCustomerRows(page) })).toEqual({
        written: 2,
        changedTicketIds: expect.arrayContaining(['60', '63']),
      });
      // Each row was inserted with its description, not rewritten after (the old refresh updated every ticket of the page).
      expect(await tuples(m, 'tickets')).toBe(updatedBefore.tickets);
      expect(await tuples(m, 'messages')).toBe(updatedBefore.messages);
      expect(statements.filter((s) => /^\s*UPDATE (tickets|messages) t SET (?!description)/.test(s))).toEqual([]);
    });
    expect((await stored(60)).description).toBe('body 61');
    expect((await stored(63)).description).toBeNull();
  });

  it('reports a change of a shown column only, when the stored row differs just in what the API does not show', async () => {
    await upsertTickets([ticket(70)]);
    await upsertMessages([message(71, 70)]);
    // A newer version whose only difference is in the payload (not shown): rewritten, yet no change for the feed.
    expect(await upsertMessages([message(71, 70, { opened_datetime: '2025-02-01T00:00:00Z', meta: { x: 1 } })])).toEqual({
      written: 0,
      changedTicketIds: [],
    });
    const [row] = await db.ds.query(`SELECT payload->'meta' AS meta FROM messages WHERE connector_id = $1 AND external_id = 71`, [
      scope.connectorId,
    ]);
    expect(row.meta).toEqual({ x: 1 });
    // Then the same message moved to ticket 72: both tickets changed.
    expect((await upsertMessages([message(71, 72, { opened_datetime: '2025-02-02T00:00:00Z' })])).changedTicketIds.sort()).toEqual([
      '70',
      '72',
    ]);
  });

  it('finds tickets whose stored messages differ from their count until they are reconciled', async () => {
    await db.ds.transaction(async (m) => {
      const reconcile = new TicketReconcileRepository();
      const found = await reconcile.findMessageCountMismatches(m, scope, 10);
      expect(found).toContainEqual({ externalId: '3', expected: 1, stored: 0, trashed: false });
      await reconcile.markReconciled(m, scope, '3');
      expect((await reconcile.findMessageCountMismatches(m, scope, 10)).map((x) => x.externalId)).not.toContain('3');
    });
  });

  it('writes nothing of a page whose transaction rolls back', async () => {
    await expect(
      db.ds.transaction(async (m) => {
        await repo.upsertTickets(m, scope, { tickets: toTicketRows([ticket(5)]), customers: [] });
        throw new Error('page failed');
      }),
    ).rejects.toThrow('page failed');
    expect(await stored(5)).toBeUndefined();
  });

  it('keeps every statement inside its tenant', async () => {
    const other = await seedConnector(db.ds);
    await db.ds.transaction(async (m) => {
      // Another tenant's scope with this connector's id touches nothing here.
      expect(await repo.markTicketsDeleted(m, { tenantId: other.tenantId, connectorId: scope.connectorId }, ['4'], new Date())).toEqual({
        written: 0,
        changedTicketIds: [],
      });
    });
    expect((await stored(4)).deleted_at).toBeNull();
  });

  it("reports every stored ticket of a customer whose name or email changed, not only the page's", async () => {
    await upsertTickets([ticket(30, { customer: { id: 777, email: 'same@example.com', name: 'Old name' } })]);
    await upsertTickets([ticket(31, { customer: { id: 777, email: 'same@example.com', name: 'Old name' } })]);
    // Ticket 31 comes again with its customer renamed: ticket 30 shows that customer too.
    const renamed = ticket(31, { customer: { id: 777, email: 'same@example.com', name: 'New name' } });
    expect((await upsertTickets([renamed])).changedTicketIds.sort()).toEqual(['30', '31']);
    // The same customer again, unchanged: nothing.
    expect((await upsertTickets([renamed])).changedTicketIds).toEqual([]);
  });
});
