import { migrations } from '../../migrations';
import { MAX_STORED_TEXT_CHARS } from '../../src/gorgias/mappers/storable-text';
import { RunObserverRegistry } from '../../src/sync/engine/run-observer';
import { RunSession } from '../../src/sync/engine/session/run-session';
import { MessagesStage } from '../../src/sync/engine/stages/messages.stage';
import { TicketsStage } from '../../src/sync/engine/stages/tickets.stage';
import { SyncCursorRepository } from '../../src/sync/repositories/sync-cursor.repository';
import { SyncLogRepository } from '../../src/sync/repositories/sync-log.repository';
import { SyncQuarantineRepository } from '../../src/sync/repositories/sync-quarantine.repository';
import { SyncRunRepository } from '../../src/sync/repositories/sync-run.repository';
import { SyncRunRow } from '../../src/sync/repositories/sync-run.row';
import { SyncLogService } from '../../src/sync/sync-log.service';
import { SyncMode } from '../../src/sync/sync-run.types';
import { PlannerStatisticsRepository } from '../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

const OWNER = 'poison-test';

/** About 1.5 MB of distinct words, as a pasted log would be: more than a tsvector can hold. */
function pastedLog(): string {
  const words: string[] = [];
  for (let i = 0; words.length * 9 < 1_500_000; i++) words.push(`w${String(i).padStart(7, '0')}`);
  return words.join(' ');
}

/**
 * Content PostgreSQL refuses as is, on a real database: made storable by the mappers and the search
 * vector caps (migration SearchVectorCaps); what still fails is quarantined row by row.
 */
describe('poison records', () => {
  let db: IntegrationDb;
  let scope: { tenantId: string; connectorId: string };
  let runs: SyncRunRepository;
  let logs: SyncLogRepository;
  let quarantine: SyncQuarantineRepository;
  const write = new TicketWriteRepository();

  beforeAll(async () => {
    db = await openIntegrationDb();
    runs = new SyncRunRepository(db.ds);
    logs = new SyncLogRepository(db.ds);
    quarantine = new SyncQuarantineRepository(db.ds);
  });
  afterAll(() => db?.close());

  async function freshSession(gorgias: FakeGorgiasClient): Promise<{ s: RunSession; run: SyncRunRow }> {
    scope = await seedConnector(db.ds);
    await db.ds.transaction((m) => runs.enqueue(m, scope, SyncMode.INCREMENTAL, 'MANUAL'));
    const [run] = await runs.claim(OWNER, 1, 60);
    const services = {
      dataSource: db.ds,
      runs,
      cursors: new SyncCursorRepository(db.ds),
      logs: new SyncLogService(logs),
      observers: new RunObserverRegistry(),
      quarantine,
      leaseSeconds: 60,
    };
    const s = new RunSession(run, run.leaseToken!, gorgias.asClient(), { email: 'a@b', apiKey: 'k', subdomain: 's' }, services);
    s.checkpoint = { stage: 'messages', initial: true };
    return { s, run };
  }

  it('stores a 1.5 MB first message, a lone surrogate and a NUL; search finds the first part', async () => {
    const gorgias = new FakeGorgiasClient();
    const log = pastedLog();
    for (let t = 1; t <= 3; t++) {
      gorgias.putTicket({
        id: t,
        status: 'open',
        subject: `T${t}`,
        messages_count: 1,
        created_datetime: `2025-01-0${t}T00:00:00Z`,
        updated_datetime: `2025-01-0${t}T01:00:00Z`,
      });
    }
    gorgias.putMessage({ id: 11, ticket_id: 1, body_text: log, body_html: `<pre>${log}</pre>`, created_datetime: '2025-01-01T00:00:00Z' });
    gorgias.putMessage({
      id: 21,
      ticket_id: 2,
      body_text: 'half an emoji \udc00 then a NUL \u0000 end',
      created_datetime: '2025-01-02T00:00:00Z',
    });
    gorgias.putMessage({ id: 31, ticket_id: 3, body_text: 'after the poison', created_datetime: '2025-01-03T00:00:00Z' });
    const { s, run } = await freshSession(gorgias);

    await new MessagesStage(write, new PlannerStatisticsRepository()).run(s, 'tickets', {});
    await new TicketsStage(write, new PlannerStatisticsRepository()).run(s, 'reconcile', {});

    const stored = await db.ds.query(
      `SELECT external_id::int AS id, length(body_text) AS len, body_original_length AS original, body_text LIKE '%\uFFFD%' AS repaired
         FROM messages WHERE connector_id = $1 ORDER BY external_id`,
      [scope.connectorId],
    );
    expect(stored).toEqual([
      { id: 11, len: MAX_STORED_TEXT_CHARS, original: log.length + '<pre></pre>'.length, repaired: false },
      { id: 21, len: 'half an emoji \uFFFD then a NUL  end'.length, original: null, repaired: true },
      { id: 31, len: 16, original: null, repaired: false },
    ]);
    const found = (word: string) =>
      db.ds.query(
        `SELECT (SELECT count(*)::int FROM messages WHERE connector_id = $1 AND search @@ to_tsquery('simple', $2)) AS messages,
                (SELECT count(*)::int FROM tickets WHERE connector_id = $1 AND search @@ to_tsquery('simple', $2)) AS tickets`,
        [scope.connectorId, word],
      );
    expect(await found('w0000001')).toEqual([{ messages: 1, tickets: 1 }]);
    expect(await found('w0150000')).toEqual([{ messages: 0, tickets: 0 }]); // past the searched prefix
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM tickets WHERE connector_id = $1`, [scope.connectorId]);
    expect(n).toBe(3);
    expect(await quarantine.list(scope)).toEqual([]);
    const [saved] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
    expect(saved.checkpoint.stage).toBe('reconcile');
  });

  it('stores every good row of a page the database refuses, quarantines the bad ones, and moves on', async () => {
    const gorgias = new FakeGorgiasClient();
    for (let t = 1; t <= 5; t++) {
      gorgias.putTicket({
        id: t,
        status: 'open',
        subject: `T${t}`,
        messages_count: 1,
        created_datetime: `2025-01-0${t}T00:00:00Z`,
        updated_datetime: `2025-01-0${t}T01:00:00Z`,
      });
      gorgias.putMessage({ id: t * 10, ticket_id: t, body_text: `m${t}`, created_datetime: `2025-01-0${t}T00:00:00Z` });
    }
    // What no mapper can fix: a datetime PostgreSQL cannot read, a message without a ticket (NOT NULL).
    gorgias.putTicket({ ...gorgias.tickets.get(3)!, opened_datetime: 'the day before yesterday' });
    gorgias.putMessage({ id: 40, ticket_id: null as never, body_text: 'orphan', created_datetime: '2025-01-04T00:00:00Z' });
    const { s, run } = await freshSession(gorgias);

    await new MessagesStage(write, new PlannerStatisticsRepository()).run(s, 'tickets', {});
    await new TicketsStage(write, new PlannerStatisticsRepository()).run(s, 'reconcile', {});

    const ids = async (table: string) =>
      (await db.ds.query(`SELECT external_id::int AS id FROM ${table} WHERE connector_id = $1 ORDER BY 1`, [scope.connectorId])).map(
        (r: { id: number }) => r.id,
      );
    expect(await ids('tickets')).toEqual([1, 2, 4, 5]);
    expect(await ids('messages')).toEqual([10, 20, 30, 50]);
    expect(s.tally.ticketsSynced).toBe(4);
    expect(s.tally.messagesSynced).toBe(4);
    const held = await quarantine.list(scope);
    expect(held.map((q) => [q.objectType, q.externalId, q.sqlstate]).sort()).toEqual([
      ['message', '40', '23502'],
      ['ticket', '3', '22007'],
    ]);
    const warnings = await db.ds.query(`SELECT message FROM sync_log_entries WHERE run_id = $1 AND level = 'WARN' ORDER BY id`, [run.id]);
    expect(warnings.map((w: { message: string }) => w.message)).toEqual([
      expect.stringMatching(/^Gorgias message 40 could not be stored and was skipped \(quarantined\): .*SQLSTATE 23502/),
      expect.stringMatching(/^Gorgias ticket 3 could not be stored and was skipped \(quarantined\): .*SQLSTATE 22007/),
    ]);
    const [saved] = await db.ds.query(`SELECT checkpoint, tickets_synced, messages_synced FROM sync_runs WHERE id = $1`, [run.id]);
    expect(saved).toMatchObject({ checkpoint: { stage: 'reconcile' }, tickets_synced: 4, messages_synced: 4 });
  });
});

describe('migrations 70-73 on a real database', () => {
  it('go down and up again, keeping the data they do not own', async () => {
    const db = await openIntegrationDb();
    try {
      const scope = await seedConnector(db.ds);
      await new TicketWriteRepository().upsertMessages(db.ds.manager, scope, [
        {
          external_id: 1,
          ticket_external_id: 1,
          channel: null,
          via: null,
          from_agent: false,
          public: true,
          sender_email: null,
          sender_name: null,
          receiver_email: null,
          receiver_name: null,
          subject: null,
          body_text: 'kept',
          body_html: null,
          stripped_text: null,
          body_original_length: null,
          attachments: [],
          created_at: '2025-01-01T00:00:00Z',
          sent_at: null,
          failed_at: null,
          deleted_at: null,
          source_version: '2025-01-01T00:00:00Z',
          payload: {},
        },
      ]);
      // Back to before SearchVectorCaps (70), whatever came after it, then forward again.
      const after70 = migrations.length - migrations.findIndex((mg) => mg.name === 'SearchVectorCaps1764000000070');
      for (let i = 0; i < after70; i++) await db.ds.undoLastMigration({ transaction: 'each' });
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'sync_quarantine'`);
      expect(n).toBe(0);
      await db.ds.runMigrations({ transaction: 'each' });
      const [row] = await db.ds.query(`SELECT body_text, body_original_length, source_version FROM messages WHERE connector_id = $1`, [
        scope.connectorId,
      ]);
      expect(row).toEqual({ body_text: 'kept', body_original_length: null, source_version: null });
      const [{ found }] = await db.ds.query(`SELECT count(*)::int AS found FROM messages WHERE search @@ to_tsquery('simple', 'kept')`);
      expect(found).toBe(1);
    } finally {
      await db.close();
    }
  });
});
