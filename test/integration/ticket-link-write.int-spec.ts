import { GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { TicketStore } from '../../src/sync/engine/source/ticket-store';
import { PageChangeSet } from '../../src/sync/engine/session/page-changes';
import { TicketLinkWriteRepository } from '../../src/tickets/repositories/ticket-link-write.repository';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

const ticket = (id: number, updated: string, over: Partial<GorgiasTicket> = {}): GorgiasTicket => ({
  id,
  status: 'open',
  created_datetime: '2025-01-01T00:00:00Z',
  updated_datetime: updated,
  ...over,
});

/**
 * Issue 24: a ticket's tags by id and its custom field values, stored with the ticket (TicketStore), on a real
 * PostgreSQL: replaced when the ticket changes, never by an older copy read again, every change reported to
 * the feed (the page's change set) with the tags added and removed; a tag merge retags the stored tickets.
 */
describe('ticket links: tags by id and custom field values (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let scope: WriteScope;
  const store = new TicketStore(new TicketWriteRepository());

  const write = async (items: GorgiasTicket[]) => {
    const changes = new PageChangeSet();
    await db.ds.transaction((tx) => store.tickets(tx, scope, items, changes));
    return changes;
  };
  const links = async (id: number) => ({
    tags: (
      await db.ds.query(
        `SELECT tag_external_id::int AS t FROM ticket_tags WHERE connector_id = $1 AND ticket_external_id = $2 ORDER BY 1`,
        [scope.connectorId, id],
      )
    ).map((r: any) => r.t),
    values: (
      await db.ds.query(
        `SELECT field_external_id::int AS f, value FROM ticket_custom_field_values WHERE connector_id = $1 AND ticket_external_id = $2 ORDER BY 1`,
        [scope.connectorId, id],
      )
    ).map((r: any) => `${r.f}=${r.value}`),
  });

  beforeAll(async () => {
    db = await openIntegrationDb();
    scope = await seedConnector(db.ds);
  });
  afterAll(() => db?.close());

  it('replaces the links with each newer version, ignores an older copy, and reports what changed', async () => {
    const v1 = ticket(1, '2025-01-02T00:00:00Z', {
      tags: [
        { id: 10, name: 'vip' },
        { id: 11, name: 'refund' },
      ],
      custom_fields: { '5': { id: 5, value: 'Order' }, '6': { id: 6, value: 2 } },
    });
    let changes = await write([v1]);
    expect(await links(1)).toEqual({ tags: [10, 11], values: ['5=Order', '6=2'] });
    expect(changes.toPageChanges().ticketExternalIds).toEqual(['1']);
    expect(changes.tagChanges).toEqual([{ ticketExternalId: '1', added: expect.arrayContaining(['10', '11']), removed: [] }]);
    // The tags the tickets carry are known as tags (not yet listed ones included).
    expect(
      (await db.ds.query(`SELECT external_id::int AS id, name FROM tags WHERE connector_id = $1 ORDER BY 1`, [scope.connectorId])).length,
    ).toBe(2);

    // The same version again: nothing changes, nothing is reported.
    changes = await write([v1]);
    expect(changes.toPageChanges().ticketExternalIds).toEqual([]);

    const v2 = ticket(1, '2025-01-03T00:00:00Z', { tags: [{ id: 11, name: 'refund' }], custom_fields: { '6': { id: 6, value: 3 } } });
    changes = await write([v2]);
    expect(await links(1)).toEqual({ tags: [11], values: ['6=3'] });
    expect(changes.tagChanges).toEqual([{ ticketExternalId: '1', added: [], removed: ['10'] }]);
    expect(changes.toPageChanges().ticketExternalIds).toEqual(['1']);

    // An older copy read again (a replay) does not bring back what the newer one removed.
    changes = await write([v1]);
    expect(await links(1)).toEqual({ tags: [11], values: ['6=3'] });
    expect(changes.toPageChanges().ticketExternalIds).toEqual([]);
  });

  it('retags the stored tickets of a merged tag, by id and by name, and reports them', async () => {
    await write([
      ticket(2, '2025-01-02T00:00:00Z', {
        tags: [
          { id: 20, name: 'old' },
          { id: 21, name: 'new' },
        ],
      }),
    ]);
    await write([ticket(3, '2025-01-02T00:00:00Z', { tags: [{ id: 20, name: 'old' }] })]);
    const r = await db.ds.transaction((tx) => new TicketLinkWriteRepository().retag(tx, scope, '20', '21'));
    expect(r.changedTicketIds.sort()).toEqual(['2', '3']);
    expect((await links(2)).tags).toEqual([21]);
    expect((await links(3)).tags).toEqual([21]);
    const names = await db.ds.query(
      `SELECT external_id::int AS id, tags FROM tickets WHERE connector_id = $1 AND external_id IN (2, 3) ORDER BY 1`,
      [scope.connectorId],
    );
    expect(names).toEqual([
      { id: 2, tags: ['new'] },
      { id: 3, tags: ['new'] },
    ]);
  });
});
