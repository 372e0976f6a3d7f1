import { GorgiasEvent } from '../../../gorgias/gorgias.types';
import { eventTargets, idOf } from './event-targets';

const SINCE = Date.parse('2026-01-01T00:00:00Z');
let nextId = 1;
const ev = (type: string, objectId: unknown, over: Partial<GorgiasEvent> = {}): GorgiasEvent => ({
  id: nextId++,
  type,
  object_type: type.startsWith('ticket-message') ? 'TicketMessage' : 'Ticket',
  object_id: objectId as number,
  created_datetime: '2026-01-01T00:00:01.123456+00:00',
  data: null,
  ...over,
});

describe('eventTargets', () => {
  it('sorts events into deletions, tickets to re-read and messages whose ticket is looked up', () => {
    const t = eventTargets(
      [
        ev('ticket-trashed', 1),
        ev('ticket-untrashed', 1),
        ev('ticket-merged', 2),
        ev('ticket-merged', 3, { data: { merged_ticket_id: 4, ticket_id: 3 } }),
        ev('ticket-message-deleted', 100),
        ev('ticket-message-failed', 101, { data: { ticket_id: 5 } }),
        ev('ticket-message-updated', 102),
        ev('ticket-deleted', 6),
        ev('ticket-trashed', 6), // deleted anyway: not re-read
      ],
      SINCE,
      new Set(),
    );
    expect(t.deletedTicketIds).toEqual(['6']);
    expect(t.ticketIds.sort()).toEqual(['1', '2', '3', '4', '5']);
    expect(t.messageIds.sort()).toEqual(['100', '102']);
    expect(t.handled).toHaveLength(9);
  });

  it('checks type and date on our side, skips handled events and hostile ids', () => {
    const handled = ev('ticket-trashed', 7);
    const t = eventTargets(
      [
        handled,
        ev('ticket-updated', 8),
        ev('ticket-trashed', 9, { created_datetime: '2025-12-31T23:59:59Z' }),
        ev('ticket-trashed', 'DROP TABLE'),
        ev('ticket-trashed', -3),
        ev('ticket-trashed', 2 ** 60),
        null as never,
      ],
      SINCE,
      new Set([String(handled.id)]),
    );
    expect(t).toMatchObject({ deletedTicketIds: [], ticketIds: [], messageIds: [] });
    expect(t.handled.map((h) => h.id)).toContain(String(handled.id));
  });

  it('reads ids given as numbers or digit strings only', () => {
    expect(idOf(12)).toBe('12');
    expect(idOf('12')).toBe('12');
    expect(idOf('1e3')).toBeNull();
    expect(idOf(0)).toBeNull();
    expect(idOf(1.5)).toBeNull();
    expect(idOf(null)).toBeNull();
  });
});
