import { EntityManager } from 'typeorm';
import { GorgiasMessage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { PageChangeSet } from '../../src/sync/engine/session/page-changes';
import { TicketRead, TicketRefresher } from '../../src/sync/engine/source/ticket-refresher';
import { TicketReconcileRepository } from '../../src/tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

const ticket = (id: number, messages: number): GorgiasTicket => ({
  id,
  status: 'open',
  subject: `subject ${id}`,
  messages_count: messages,
  created_datetime: '2025-01-01T00:00:00Z',
  updated_datetime: '2025-01-02T00:00:00Z',
  trashed_datetime: '2025-01-03T00:00:00Z',
  customer: { id: 900 + id, email: `c${id}@example.com`, name: `C ${id}` },
});

const message = (id: number, ticketId: number): GorgiasMessage => ({
  id,
  ticket_id: ticketId,
  body_text: `body ${id}`,
  created_datetime: `2025-01-01T00:00:${String(id % 60).padStart(2, '0')}Z`,
});

/** A ticket read on its own with these embedded messages (the whole conversation). */
const read = (id: number, messages: number[]): TicketRead => ({
  externalId: String(id),
  snapshot: { ticket: ticket(id, messages.length), messages: messages.map((m) => message(m, id)), complete: true },
});

/** `m` with its statements counted. */
function counting(m: EntityManager): { m: EntityManager; count: () => number } {
  let n = 0;
  const proxy = new Proxy(m, {
    get: (target, prop, receiver) =>
      prop === 'query'
        ? (...args: Parameters<EntityManager['query']>) => {
            n++;
            return target.query(...args);
          }
        : Reflect.get(target, prop, receiver),
  });
  return { m: proxy, count: () => n };
}

describe('TicketRefresher.storeAll: tickets read on their own, stored together (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let scope: WriteScope;
  const refresher = new TicketRefresher(new TicketWriteRepository(), new TicketReconcileRepository());
  const storeAll = (reads: TicketRead[]) =>
    db.ds.transaction(async (tx) => {
      const changes = new PageChangeSet();
      const c = counting(tx);
      const result = await refresher.storeAll(c.m, scope, reads, changes);
      return { result, statements: c.count(), changed: changes.toPageChanges().ticketExternalIds.sort() };
    });
  const messages = () =>
    db.ds.query(
      `SELECT external_id::int AS id, ticket_external_id::int AS ticket, deleted_at IS NOT NULL AS deleted FROM messages
        WHERE tenant_id = $1 AND connector_id = $2 ORDER BY external_id`,
      [scope.tenantId, scope.connectorId],
    );

  beforeAll(async () => {
    db = await openIntegrationDb();
    scope = await seedConnector(db.ds);
  });
  afterAll(() => db?.close());

  it('writes a batch in as many statements as one ticket (trashed tickets of an initial sync: ~13 statements each before)', async () => {
    const one = await storeAll([read(1, [11, 12])]);
    const six = await storeAll([2, 3, 4, 5, 6, 7].map((id) => read(id, [id * 10 + 1, id * 10 + 2])));
    expect(six.result).toEqual({ tickets: 6, ticketsChanged: 6, messages: 12, removed: 0, deleted: 0 });
    expect(six.statements).toBe(one.statements);
    expect(six.changed).toEqual(['2', '3', '4', '5', '6', '7']);
  });

  it('stores exactly what storing them one after the other stored: unlisted messages deleted per ticket, moves, last read wins', async () => {
    // Stored: 81, 82 in ticket 8; 91 in ticket 9; 95 in ticket 9.5's place (10).
    await storeAll([read(8, [81, 82]), read(9, [91]), read(10, [101])]);
    // Now Gorgias lists 81 alone in 8 (82 was deleted there), 91, 101 (moved by a merge) and a new 92 in 9,
    // nothing in 10 (its message moved to 9), and ticket 11 gone (404).
    const now = await storeAll([read(8, [81]), read(9, [91, 101, 92]), read(10, []), { externalId: '11', snapshot: null }]);
    expect(now.result).toEqual({ tickets: 3, ticketsChanged: 3, messages: 2, removed: 1, deleted: 0 });
    expect(now.changed).toEqual(['10', '8', '9']);
    expect((await messages()).filter((m: { id: number }) => m.id >= 81 && m.id <= 101)).toEqual([
      { id: 81, ticket: 8, deleted: false },
      { id: 82, ticket: 8, deleted: true },
      { id: 91, ticket: 9, deleted: false },
      { id: 92, ticket: 9, deleted: false },
      { id: 101, ticket: 9, deleted: false },
    ]);
    const descriptions = await db.ds.query(
      `SELECT external_id::int AS id, description FROM tickets WHERE tenant_id = $1 AND connector_id = $2 AND external_id IN (8, 9, 10)
        ORDER BY external_id`,
      [scope.tenantId, scope.connectorId],
    );
    expect(descriptions).toEqual([
      { id: 8, description: 'body 81' },
      { id: 9, description: 'body 91' },
      { id: 10, description: null },
    ]);
    // A message two reads list ends in the last of them, as it did one ticket after the other.
    await storeAll([read(12, [121]), read(13, [121])]);
    expect((await messages()).find((m: { id: number }) => m.id === 121)).toEqual({ id: 121, ticket: 13, deleted: false });
  });
});
