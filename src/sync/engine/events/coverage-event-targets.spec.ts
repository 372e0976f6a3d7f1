import { GorgiasEvent } from '../../../gorgias/gorgias.types';
import { historyRow } from './coverage-events';
import { coverageEventTargets } from './coverage-event-targets';

const SINCE = Date.parse('2026-01-01T00:00:00Z');
let nextId = 1;
const ev = (type: string, objectId: unknown, over: Partial<GorgiasEvent> = {}): GorgiasEvent => ({
  id: nextId++,
  type,
  object_type: 'User',
  object_id: objectId as number,
  created_datetime: `2026-01-01T00:00:${String(nextId).padStart(2, '0')}.123456+00:00`,
  data: null,
  ...over,
});

describe('coverageEventTargets', () => {
  it('asks one read per object, marks deletions without a read, and knows which objects were just created', () => {
    const t = coverageEventTargets(
      [
        ev('user-created', 1),
        ev('user-updated', 1),
        ev('user-updated', 2),
        ev('user-deleted', 3),
        ev('user-updated', 3), // deleted anyway: not read
        ev('team-created', 10),
        ev('tag-deleted', 20),
        ev('tag-merged', 21, { data: { merged_tag_id: 22, tag_id: 21 } }),
        ev('tag-merged', 23),
        ev('ticket-updated', 99), // not ours (nor event-targets')
      ],
      SINCE,
      new Set(),
    );
    expect(t.agents).toEqual({ reread: ['1', '2'], deleted: ['3'], created: ['1'] });
    expect(t.teams).toEqual({ reread: ['10'], deleted: [], created: ['10'] });
    expect(t.tags).toEqual({ reread: ['21', '23'], deleted: ['20'], created: [] });
    expect(t.merges).toEqual([
      { target: '21', source: '22' },
      { target: '23', source: null },
    ]);
    expect(t.handled).toHaveLength(9);
  });

  it('keeps history events not handled before, checks date on our side, and skips hostile ids', () => {
    const done = ev('ticket-assigned', 5);
    const t = coverageEventTargets(
      [
        done,
        ev('ticket-closed', 5),
        ev('ticket-tags-added', 6, { created_datetime: '2025-12-31T23:59:59Z' }),
        ev('ticket-reopened', 'DROP TABLE'),
        ev('user-updated', -1),
        null as never,
      ],
      SINCE,
      new Set([String(done.id)]),
    );
    expect(t.history.map((e) => e.type)).toEqual(['ticket-closed']);
    expect(t.agents.reread).toEqual([]);
  });
});

describe('historyRow', () => {
  const state = { external_id: '5', assignee_external_id: '77', team_external_id: '8', status: 'open' };
  it('takes what the event data says, else the stored ticket', () => {
    const withData = historyRow(ev('ticket-assigned', 5, { data: { assignee_user_id: 12 }, user_id: 3 }), state, {
      added: [],
      removed: [],
    });
    expect(withData).toMatchObject({ type: 'ticket-assigned', ticket_external_id: 5, actor_external_id: 3, assignee_external_id: 12 });
    expect(historyRow(ev('ticket-assigned', 5), state, { added: [], removed: [] })).toMatchObject({
      assignee_external_id: 77,
      actor_external_id: null,
    });
    expect(historyRow(ev('ticket-unassigned', 5), state, { added: [], removed: [] }).assignee_external_id).toBeNull();
    expect(historyRow(ev('ticket-team-assigned', 5), state, { added: [], removed: [] }).team_external_id).toBe(8);
    expect(historyRow(ev('ticket-closed', 5), state, { added: [], removed: [] }).status).toBe('closed');
    expect(historyRow(ev('ticket-reopened', 5), undefined, { added: [], removed: [] }).status).toBe('open');
    expect(historyRow(ev('ticket-tags-added', 5), state, { added: ['vip'], removed: [] }).tags_added).toEqual(['vip']);
  });
});
