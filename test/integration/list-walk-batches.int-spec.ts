import { EntityManager } from 'typeorm';
import { PageChanges, RunContext } from '../../src/sync/engine/run-observer';
import { RunServices } from '../../src/sync/engine/session/run-session';
import { MessagesStage } from '../../src/sync/engine/stages/messages.stage';
import { TicketsStage } from '../../src/sync/engine/stages/tickets.stage';
import { PAGES_PER_TRANSACTION } from '../../src/sync/sync.constants';
import { TicketChangeRecorder } from '../../src/tickets/changes/ticket-change.recorder';
import { TicketChangeRepository } from '../../src/tickets/changes/ticket-change.repository';
import { PlannerStatisticsRepository } from '../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { claimedRun, runServices, sessionOf } from './support/run-harness';

const OWNER = 'batch-test';
/** One committed transaction of a walk, as seen inside it. */
interface Commit {
  changes: PageChanges;
  position: string;
  oldest: string | null;
  quarantined: number;
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();

/** `n` tickets with one message each: ticket i and message i*10 created at minute i. */
function account(n: number): FakeGorgiasClient {
  const gorgias = new FakeGorgiasClient();
  for (let t = 1; t <= n; t++) {
    gorgias.putTicket({ id: t, status: 'open', subject: `T${t}`, messages_count: 1, created_datetime: at(t), updated_datetime: at(t) });
    gorgias.putMessage({ id: t * 10, ticket_id: t, body_text: `m${t}`, created_datetime: at(t) });
  }
  return gorgias;
}

/**
 * A list walk writes the API pages already read when a write starts in one transaction (at most
 * PAGES_PER_TRANSACTION): one checkpoint naming the last page, one feed record, one commit. The fake
 * answers at once, so while one transaction is written the next pages are read and wait together.
 */
describe('list walk: several API pages per transaction', () => {
  let db: IntegrationDb;
  const write = new TicketWriteRepository();

  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  /** Services with the change feed's recorder, and each transaction's changes and checkpoint as seen inside it. */
  function services(): { services: RunServices; commits: Commit[] } {
    const s = runServices(db);
    new TicketChangeRecorder(new TicketChangeRepository(db.ds), s.observers).onModuleInit();
    const commits: Commit[] = [];
    s.observers.register({
      onPageCommitted: async (tx: EntityManager, ctx: RunContext, changes: PageChanges) => {
        const [{ checkpoint, oldest, quarantined }] = await tx.query(
          `SELECT checkpoint, (SELECT count(*)::int FROM sync_quarantine WHERE tenant_id = $2 AND run_id = $1) AS quarantined, (SELECT to_char(min(created_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM messages
                                WHERE tenant_id = $2 AND connector_id = $3) AS oldest
             FROM sync_runs WHERE id = $1`,
          [ctx.runId, ctx.tenantId, ctx.connectorId],
        );
        commits.push({ changes, position: checkpoint.position, oldest, quarantined });
      },
    });
    return { services: s, commits };
  }

  it('writes 10 pages of messages in at most 5 transactions of at most 5 pages, each checkpoint naming its last page', async () => {
    const { services: svc, commits } = services();
    const { scope, run } = await claimedRun(db, svc, OWNER);
    const s = sessionOf(run, account(1000).asClient(), svc);
    s.checkpoint = { stage: 'messages', initial: true };
    await new MessagesStage(write, new PlannerStatisticsRepository()).run(s, 'tickets', {});

    expect(s.tally.messagesSynced).toBe(1000);
    expect(sum(commits.map((c) => c.changes.messagesUpserted))).toBe(1000);
    // One page a transaction made 10 commits.
    expect(commits.length).toBeLessThanOrEqual(5);
    expect(commits.length).toBeGreaterThanOrEqual(1000 / 100 / PAGES_PER_TRANSACTION);
    for (const c of commits) expect(c.changes.messagesUpserted).toBeLessThanOrEqual(100 * PAGES_PER_TRANSACTION);
    // The checkpoint saved with each transaction is where its last page ended: the oldest message stored so far.
    for (const c of commits.slice(0, -1)) expect(new Date(c.position).toISOString()).toBe(c.oldest);
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND connector_id = $2`, [
      scope.tenantId,
      scope.connectorId,
    ]);
    expect(n).toBe(1000);
  });

  it('a crash inside a batch rolls it back whole; the run resumes from the previous checkpoint and the feed holds each ticket once', async () => {
    const { services: svc, commits } = services();
    let failAt = 2; // the second transaction fails after its writes, as a crash before COMMIT would
    svc.observers.register({
      onPageCommitted: async () => {
        if (--failAt === 0) throw new Error('the process died here');
      },
    });
    const { scope, run } = await claimedRun(db, svc, OWNER);
    const gorgias = account(1000);
    const first = sessionOf(run, gorgias.asClient(), svc);
    first.checkpoint = { stage: 'tickets', initial: true };
    await expect(new TicketsStage(write, new PlannerStatisticsRepository()).run(first, 'reconcile', {})).rejects.toThrow(
      'the process died here',
    );

    const count = async (table: string) =>
      (
        await db.ds.query(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1 AND connector_id = $2`, [
          scope.tenantId,
          scope.connectorId,
        ])
      )[0].n;
    const committed = commits[0].changes.ticketsUpserted;
    expect(committed).toBeGreaterThan(0);
    expect(await count('tickets')).toBe(committed); // the failed batch left nothing
    expect(await count('ticket_changes')).toBe(committed);
    const [{ checkpoint }] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
    expect(checkpoint.cursor).toBeTruthy();

    // A new process resumes the run from its stored checkpoint (same claim).
    const again = sessionOf({ ...run, checkpoint }, gorgias.asClient(), svc);
    await new TicketsStage(write, new PlannerStatisticsRepository()).run(again, 'reconcile', {});
    expect(again.tally.ticketsSynced).toBe(1000 - committed);
    expect(await count('tickets')).toBe(1000);
    // The feed: one entry per ticket, at the position stamped on the ticket's row.
    const feed = await db.ds.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE t.feed_xact_id = c.xact_id)::int AS stamped
         FROM ticket_changes c JOIN tickets t ON t.tenant_id = c.tenant_id AND t.connector_id = c.connector_id AND t.external_id = c.ticket_external_id
        WHERE c.tenant_id = $1 AND c.connector_id = $2`,
      [scope.tenantId, scope.connectorId],
    );
    expect(feed).toEqual([{ n: 1000, stamped: 1000 }]);
  });

  it('a poison row inside a batch of several pages is quarantined alone; every other row of the batch is stored', async () => {
    const { services: svc, commits } = services();
    const { scope, run } = await claimedRun(db, svc, OWNER);
    const gorgias = account(500);
    // A message without a ticket (NOT NULL) on the third page (newest first: minute 500 down to 1).
    gorgias.putMessage({ id: 99999, ticket_id: null as never, body_text: 'orphan', created_datetime: at(250) });
    const s = sessionOf(run, gorgias.asClient(), svc);
    s.checkpoint = { stage: 'messages', initial: true };
    await new MessagesStage(write, new PlannerStatisticsRepository()).run(s, 'tickets', {});

    expect(s.tally.messagesSynced).toBe(500);
    const held = await svc.quarantine.list(scope);
    expect(held.map((q) => [q.objectType, q.externalId])).toEqual([['message', '99999']]);
    const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM messages WHERE tenant_id = $1 AND connector_id = $2`, [
      scope.tenantId,
      scope.connectorId,
    ]);
    expect(n).toBe(500);
    // The transaction that replayed its batch row by row (the one that quarantined) held more than one page.
    const replayed = commits.find((c) => c.quarantined === 1)!;
    expect(replayed.changes.messagesUpserted).toBeGreaterThan(100);
    const [{ checkpoint }] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
    expect(checkpoint.stage).toBe('tickets');
  });

  it('writes each batch from rows prepared when its pages were read; a prepared batch with a poison row is replayed row by row', async () => {
    const { services: svc, commits } = services();
    const { scope, run } = await claimedRun(db, svc, OWNER);
    const gorgias = account(500);
    gorgias.putMessage({ id: 99998, ticket_id: null as never, body_text: 'orphan', created_datetime: at(120) });
    /** Each messages upsert: its rows, and whether they came serialised (prepared) or were serialised in the write. */
    const upserts: { rows: number; prepared: boolean }[] = [];
    class RecordingWrite extends TicketWriteRepository {
      upsertMessages(...args: Parameters<TicketWriteRepository['upsertMessages']>) {
        upserts.push({ rows: args[2].length, prepared: args[3] !== undefined });
        return super.upsertMessages(...args);
      }
    }
    const s = sessionOf(run, gorgias.asClient(), svc);
    s.checkpoint = { stage: 'messages', initial: true };
    await new MessagesStage(new RecordingWrite(), new PlannerStatisticsRepository()).run(s, 'tickets', {});

    expect(s.tally.messagesSynced).toBe(500);
    expect((await svc.quarantine.list(scope)).map((q) => [q.objectType, q.externalId])).toEqual([['message', '99998']]);
    // Every batch's first attempt came prepared (the pages' JSON joined), the poison batch's included;
    // its replay wrote each row on its own from the items, mapped again.
    const batches = upserts.filter((u) => u.prepared);
    expect(batches.length).toBe(commits.length);
    expect(sum(batches.map((b) => b.rows))).toBe(501);
    const replayed = upserts.filter((u) => !u.prepared);
    expect(replayed.every((u) => u.rows === 1)).toBe(true);
    expect(replayed.length).toBe(commits.find((c) => c.quarantined === 1)!.changes.messagesUpserted + 1);
  });
});
