import { EntityManager } from 'typeorm';
import { PageChanges, RunContext, RunObserverRegistry } from '../../src/sync/engine/run-observer';
import { RunSession } from '../../src/sync/engine/session/run-session';
import { EventsStage } from '../../src/sync/engine/stages/events.stage';
import { MessagesStage } from '../../src/sync/engine/stages/messages.stage';
import { ReconcileStage } from '../../src/sync/engine/stages/reconcile.stage';
import { TicketsStage } from '../../src/sync/engine/stages/tickets.stage';
import { TicketRefresher } from '../../src/sync/engine/source/ticket-refresher';
import { SyncCursorRepository } from '../../src/sync/repositories/sync-cursor.repository';
import { SyncLogRepository } from '../../src/sync/repositories/sync-log.repository';
import { SyncQuarantineRepository } from '../../src/sync/repositories/sync-quarantine.repository';
import { SyncRunRepository } from '../../src/sync/repositories/sync-run.repository';
import { SyncRunRow } from '../../src/sync/repositories/sync-run.row';
import { SyncLogService } from '../../src/sync/sync-log.service';
import { SyncMode } from '../../src/sync/sync-run.types';
import { TicketReconcileRepository } from '../../src/tickets/repositories/ticket-reconcile.repository';
import { PlannerStatisticsRepository } from '../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';
import { coverageEvents } from './support/run-harness';

const OWNER = 'integration-test';
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('sync stages against a real database and a fake Gorgias client', () => {
  let db: IntegrationDb;
  let scope: { tenantId: string; connectorId: string };
  let runs: SyncRunRepository;
  let cursors: SyncCursorRepository;
  let logs: SyncLogRepository;
  let observers: RunObserverRegistry;
  const pages: PageChanges[] = [];
  let firstRun: SyncRunRow;
  const write = new TicketWriteRepository();
  const reconcile = new TicketReconcileRepository();
  const statistics = new PlannerStatisticsRepository();
  const gorgias = new FakeGorgiasClient();

  beforeAll(async () => {
    db = await openIntegrationDb();
    scope = await seedConnector(db.ds);
    runs = new SyncRunRepository(db.ds);
    cursors = new SyncCursorRepository(db.ds);
    logs = new SyncLogRepository(db.ds);
    observers = new RunObserverRegistry();
    observers.register({
      onPageCommitted: async (tx: EntityManager, ctx: RunContext, changes: PageChanges) => {
        expect(ctx.connectorId).toBe(scope.connectorId);
        // Inside the page's transaction: the run's checkpoint of this very page is visible through `tx`.
        const [run] = await tx.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [ctx.runId]);
        expect(run.checkpoint.stage).toBeDefined();
        if (changes.ticketExternalIds.length || changes.ticketsUpserted || changes.messagesUpserted || changes.ticketsDeleted)
          pages.push(changes);
      },
    });
    for (let t = 1; t <= 150; t++) {
      const day = String(1 + (t % 28)).padStart(2, '0');
      gorgias.putTicket({
        id: t,
        status: 'open',
        subject: `T${t}`,
        messages_count: 2,
        created_datetime: `2025-01-${day}T00:00:${String(t % 60).padStart(2, '0')}Z`,
        updated_datetime: `2025-02-${day}T00:00:00Z`,
      });
      for (const n of [1, 2])
        gorgias.putMessage({ id: t * 10 + n, ticket_id: t, body_text: `m${t}.${n}`, created_datetime: `2025-01-${day}T0${n}:00:00Z` });
    }
  });
  afterAll(() => db?.close());

  async function claimRun(mode: SyncMode): Promise<SyncRunRow> {
    await db.ds.transaction((m) => runs.enqueue(m, scope, mode, 'MANUAL'));
    const [run] = await runs.claim(OWNER, 1, 60);
    return run;
  }

  function session(run: SyncRunRow): RunSession {
    const services = {
      dataSource: db.ds,
      runs,
      cursors,
      logs: new SyncLogService(logs),
      observers,
      quarantine: new SyncQuarantineRepository(db.ds),
      leaseSeconds: 60,
    };
    return new RunSession(run, run.leaseToken!, gorgias.asClient(), { email: 'a@b', apiKey: 'k', subdomain: 's' }, services);
  }

  it("walks messages then tickets, reporting each transaction's changes (pages already read are written together) inside it", async () => {
    const run = (firstRun = await claimRun(SyncMode.INCREMENTAL));
    const s = session(run);
    s.checkpoint = { stage: 'messages', initial: true };
    await new MessagesStage(write, statistics).run(s, 'tickets', {});
    expect(s.checkpoint).toEqual({ stage: 'tickets', initial: true, reconciled: undefined });
    expect(s.tally.messagesSynced).toBe(300);
    expect(sum(pages.map((p) => p.messagesUpserted))).toBe(300);
    expect(new Set(pages.flatMap((p) => p.ticketExternalIds)).size).toBe(150);

    pages.length = 0;
    await new TicketsStage(write, statistics).run(s, 'reconcile', {});
    expect(s.tally.ticketsSynced).toBe(150);
    expect(sum(pages.map((p) => p.ticketsUpserted))).toBe(150);
    expect(pages.flatMap((p) => p.ticketExternalIds)).toHaveLength(150);
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE connector_id = $1 AND description LIKE 'm%'`, [
      scope.connectorId,
    ]);
    expect(n).toBe(150);
    const marks = await cursors.watermarks(scope.connectorId);
    expect(marks.messages).toBeInstanceOf(Date);
    expect(marks.tickets).toBeInstanceOf(Date);
    const [saved] = await db.ds.query(`SELECT checkpoint, tickets_synced, messages_synced FROM sync_runs WHERE id = $1`, [run.id]);
    expect(saved).toMatchObject({ checkpoint: { stage: 'reconcile' }, tickets_synced: 150, messages_synced: 300 });
  });

  it('re-reads one ticket whose messages are off (the ticket refresher), reporting only what changed', async () => {
    pages.length = 0;
    gorgias.putMessage({ id: 7_003, ticket_id: 7, body_text: 'late', created_datetime: '2025-01-08T05:00:00Z' });
    gorgias.putTicket({ ...gorgias.tickets.get(7)!, messages_count: 3 });
    gorgias.messages.delete(91); // ticket 9 lost a message in Gorgias ...
    await db.ds.query(`UPDATE tickets SET messages_count = 1 WHERE connector_id = $1 AND external_id = 9`, [scope.connectorId]); // ... and says so
    gorgias.putTicket({ ...gorgias.tickets.get(9)!, messages_count: 1 });
    await db.ds.query(`UPDATE tickets SET messages_count = 3 WHERE connector_id = $1 AND external_id = 7`, [scope.connectorId]);
    const s = session(firstRun); // still leased to OWNER
    s.checkpoint = { stage: 'reconcile', initial: true };
    await new ReconcileStage(reconcile, new TicketRefresher(write, reconcile), statistics).run(s, 'events');
    expect(s.checkpoint.stage).toBe('events');
    expect(pages.map((p) => p.ticketExternalIds).sort()).toEqual([['7'], ['9']]);
    const live = await db.ds.query(
      `SELECT ticket_external_id::text AS t, count(*)::int AS n FROM messages WHERE connector_id = $1 AND deleted_at IS NULL AND ticket_external_id IN (7, 9) GROUP BY 1 ORDER BY 1`,
      [scope.connectorId],
    );
    expect(live).toEqual([
      { t: '7', n: 3 },
      { t: '9', n: 1 },
    ]);
  });

  it('reports nothing when an incremental run re-reads the same versions', async () => {
    pages.length = 0;
    await db.ds.query(`UPDATE sync_runs SET status = 'SUCCEEDED', lease_owner = NULL WHERE connector_id = $1 AND status = 'RUNNING'`, [
      scope.connectorId,
    ]);
    const s = session(await claimRun(SyncMode.FULL));
    s.checkpoint = { stage: 'messages', initial: true };
    await new MessagesStage(write, statistics).run(s, 'tickets', {});
    await new TicketsStage(write, statistics).run(s, 'reconcile', {});
    // Read again, but nothing changed: counted as read, not as synced.
    expect(s.tally.messagesRead).toBeGreaterThan(0);
    expect(s.tally.ticketsRead).toBeGreaterThan(0);
    expect({ tickets: s.tally.ticketsSynced, messages: s.tally.messagesSynced }).toEqual({ tickets: 0, messages: 0 });
    expect(pages.flatMap((p) => p.ticketExternalIds)).toEqual([]);
  });
  it('re-reads the tickets events name (trash, a message event, a merge), deletes what is gone, and handles each event once', async () => {
    pages.length = 0;
    const endRuns = () =>
      db.ds.query(`UPDATE sync_runs SET status = 'SUCCEEDED', lease_owner = NULL WHERE connector_id = $1 AND status = 'RUNNING'`, [
        scope.connectorId,
      ]);
    await endRuns();
    const base = Date.now() - 60_000;
    const at = (n: number) => new Date(base + n * 1000).toISOString().replace('Z', '123+00:00'); // microseconds and +00:00, as Gorgias writes them
    // 20 trashed (updated_datetime unmoved); message 211 of 21 failed; 22 merged into 23 (no deletion event); 24 deleted forever.
    gorgias.putTicket({ ...gorgias.tickets.get(20)!, trashed_datetime: at(1) });
    gorgias.putMessage({ ...gorgias.messages.get(211)!, failed_datetime: at(2), attachments: null });
    for (const id of [221, 222]) gorgias.putMessage({ ...gorgias.messages.get(id)!, ticket_id: 23 });
    gorgias.tickets.delete(22);
    gorgias.tickets.delete(24);
    gorgias.events.push(
      { id: 1, type: 'ticket-trashed', object_type: 'Ticket', object_id: 20, created_datetime: at(1) },
      { id: 2, type: 'ticket-message-failed', object_type: 'TicketMessage', object_id: 211, created_datetime: at(2), data: null },
      { id: 3, type: 'ticket-merged', object_type: 'Ticket', object_id: 23, created_datetime: at(3) },
      { id: 4, type: 'ticket-deleted', object_type: 'Ticket', object_id: 24, created_datetime: at(4) },
      { id: 5, type: 'ticket-updated', object_type: 'Ticket', object_id: 25, created_datetime: at(5) },
      { id: 6, type: 'ticket-trashed', object_type: 'Ticket', object_id: 'x' as never, created_datetime: at(6) },
    );
    gorgias.refusedEventFilters.add('types'); // an account that refuses a type: read by object type, checked here
    const stage = new EventsStage(write, reconcile, new TicketRefresher(write, reconcile), coverageEvents());
    const watermarks = { events: new Date(Date.now() - 120_000) };
    const s = session(await claimRun(SyncMode.INCREMENTAL));
    s.checkpoint = { stage: 'events', initial: false };
    let calls = gorgias.stats.requests;
    await stage.run(s, 'reconcile', watermarks);
    // the refused call, one per object type (Ticket, TicketMessage, and since issue 24 User, Team, Tag),
    // then tickets 20, 21, 23 and 22 (merged away: 404)
    expect(gorgias.stats.requests - calls).toBe(1 + 5 + 4);
    expect(s.checkpoint.stage).toBe('reconcile');
    expect(s.tally.ticketsDeleted).toBe(2);
    expect(new Set(pages.flatMap((p) => p.ticketExternalIds))).toEqual(new Set(['20', '21', '22', '23', '24']));
    const tickets = await db.ds.query(
      `SELECT external_id::text AS id, trashed_at IS NOT NULL AS trashed, deleted_at IS NOT NULL AS deleted FROM tickets
        WHERE connector_id = $1 AND external_id IN (20, 22, 23, 24) ORDER BY 1`,
      [scope.connectorId],
    );
    expect(tickets).toEqual([
      { id: '20', trashed: true, deleted: false },
      { id: '22', trashed: false, deleted: true },
      { id: '23', trashed: false, deleted: false },
      { id: '24', trashed: false, deleted: true },
    ]);
    const messages = await db.ds.query(
      `SELECT external_id::text AS id, ticket_external_id::text AS t, failed_at, attachments FROM messages
        WHERE connector_id = $1 AND external_id IN (211, 221, 222) AND deleted_at IS NULL ORDER BY 1`,
      [scope.connectorId],
    );
    expect(messages.map((m: any) => [m.id, m.t])).toEqual([
      ['211', '21'],
      ['221', '23'],
      ['222', '23'],
    ]);
    expect(messages[0].failed_at.toISOString()).toBe(new Date(base + 2000).toISOString());
    expect(messages[0].attachments).toEqual([]);

    // The next run reads the same events again (they are inside the overlap window): handled, so nothing is re-read.
    pages.length = 0;
    await endRuns();
    const again = session(await claimRun(SyncMode.INCREMENTAL));
    again.checkpoint = { stage: 'events', initial: false };
    calls = gorgias.stats.requests;
    await stage.run(again, 'reconcile', watermarks);
    expect(gorgias.stats.requests - calls).toBe(1 + 5);
    expect(pages.flatMap((p) => p.ticketExternalIds)).toEqual([]);
  });
});
