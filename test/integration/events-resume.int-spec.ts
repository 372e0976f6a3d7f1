import { EventsStage } from '../../src/sync/engine/stages/events.stage';
import { TicketRefresher } from '../../src/sync/engine/source/ticket-refresher';
import { SyncRunRow } from '../../src/sync/repositories/sync-run.row';
import { TicketReconcileRepository } from '../../src/tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { claimedRun, coverageEvents, runServices, sessionOf } from './support/run-harness';

/**
 * A run that fails while the events stage re-reads tickets is retried from its checkpoint: the retry
 * reads no event again and re-reads no ticket of a batch already stored. What the events asked for
 * (the deletion, the tickets, the watermark, the handled ids) all lands, once.
 */
describe('events stage: a retried run goes on from the checkpoint', () => {
  let db: IntegrationDb;

  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  it('reads the events once and each batch of tickets once over a failed attempt and its retry', async () => {
    const gorgias = new FakeGorgiasClient();
    const base = Date.now() - 60_000;
    const at = (s: number) => new Date(base + s * 1000).toISOString();
    // 50 tickets trashed (their updated_datetime unmoved: only the events tell) and one deleted for good.
    for (let t = 1; t <= 50; t++) {
      gorgias.putTicket({
        id: t,
        status: 'open',
        subject: `T${t}`,
        messages_count: 1,
        created_datetime: '2025-01-01T00:00:00Z',
        updated_datetime: '2025-02-01T00:00:00Z',
        trashed_datetime: at(t),
      });
      gorgias.putMessage({ id: t * 10, ticket_id: t, body_text: `m${t}`, created_datetime: '2025-01-01T01:00:00Z' });
      gorgias.events.push({ id: t, type: 'ticket-trashed', object_type: 'Ticket', object_id: t, created_datetime: at(t) });
    }
    gorgias.events.push({ id: 99, type: 'ticket-deleted', object_type: 'Ticket', object_id: 99, created_datetime: at(51) });

    const calls: string[] = [];
    let failAt: number | undefined = 27; // in the second batch of 20
    const listEvents = gorgias.listEvents.bind(gorgias);
    gorgias.listEvents = async (p) => (calls.push('events'), listEvents(p));
    const getTicket = gorgias.getTicket.bind(gorgias);
    gorgias.getTicket = async (id) => {
      calls.push(`ticket ${id}`);
      if (id === failAt) throw new Error(`socket hang up (ticket ${id})`);
      return getTicket(id);
    };

    const services = runServices(db);
    const { run } = await claimedRun(db, services, 'events-resume');
    // Ticket 99 was stored by an earlier run; the 50 are not stored yet.
    await db.ds.query(
      `INSERT INTO tickets (tenant_id, connector_id, external_id, status, subject, created_at, updated_at, payload)
       VALUES ($1, $2, 99, 'open', 'T99', now(), now(), '{}')`,
      [run.tenantId, run.connectorId],
    );
    await db.ds.query(`UPDATE sync_runs SET checkpoint = $2 WHERE id = $1`, [run.id, { stage: 'events', initial: false }]);
    const stage = new EventsStage(new TicketWriteRepository(), new TicketReconcileRepository(), refresher(), coverageEvents());
    const watermarks = { events: new Date(base - 1000) };
    const attempt = async () => {
      const [{ checkpoint }] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
      const s = sessionOf({ ...run, checkpoint } as SyncRunRow, gorgias.asClient(), services);
      await stage.run(s, 'reconcile', watermarks);
    };
    const stored = async () => {
      const [row] = await db.ds.query(
        `SELECT count(*) FILTER (WHERE trashed_at IS NOT NULL)::int AS trashed,
                count(*) FILTER (WHERE external_id = 99 AND deleted_at IS NOT NULL)::int AS deleted
           FROM tickets WHERE connector_id = $1`,
        [run.connectorId],
      );
      return row;
    };

    // Attempt 1: the events (one call per object type), the first batch stored, the second fails at ticket 27.
    await expect(attempt()).rejects.toThrow('ticket 27');
    const first = calls.splice(0);
    expect(first.filter((c) => c === 'events').length).toBeGreaterThan(0);
    // The plan in the checkpoint: the 30 tickets not stored yet (of 50, newest event first), after 20 stored.
    const [{ checkpoint: failed }] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
    const left: string[] = failed.events.ticketIds;
    expect(failed.events.refreshed).toBe(20);
    const tried = first.filter((c) => c.startsWith('ticket'));
    expect(tried).toContain('ticket 27');
    const storedFirst = tried.slice(0, 20).map((c) => c.replace('ticket ', ''));
    expect(new Set([...storedFirst, ...left])).toEqual(new Set(range(1, 50).map(String)));
    expect(left).toHaveLength(30);
    expect(await stored()).toEqual({ trashed: 20, deleted: 1 });
    failAt = undefined;

    // Attempt 2: no event read again; the tickets from the second batch on, each once.
    await attempt();
    expect(calls.splice(0)).toEqual(left.map((t) => `ticket ${t}`));
    expect(await stored()).toEqual({ trashed: 50, deleted: 1 });
    const [{ checkpoint }] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
    expect(checkpoint).toEqual({ stage: 'reconcile', initial: false });
    const [cursor] = await db.ds.query(`SELECT watermark, handled_ids FROM sync_cursors WHERE connector_id = $1 AND stream = 'events'`, [
      run.connectorId,
    ]);
    expect(new Date(cursor.watermark).toISOString()).toBe(at(51));
    expect(new Set(cursor.handled_ids)).toEqual(new Set([...range(1, 50).map(String), '99']));
  });
});

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const refresher = () => new TicketRefresher(new TicketWriteRepository(), new TicketReconcileRepository());
