import { TicketsStage } from '../../src/sync/engine/stages/tickets.stage';
import { TicketChangeRepository } from '../../src/tickets/changes/ticket-change.repository';
import { PlannerStatisticsRepository } from '../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { claimedRun, runServices, sessionOf } from './support/run-harness';
import { rowsReadByScansOf } from './support/plan-reads';

/**
 * Issue 27, the next trap after migration 150: during an initial sync the tickets table has never been
 * analysed, PostgreSQL guesses `tenant_id = $2 AND connector_id = $1` to match one row, and the change feed's
 * stamp (`UPDATE tickets … FROM unnest(ids)`, once per batch) hashed every ticket of the connector: 8.6 ms a
 * batch at 20,000 tickets, growing with the account. The fix gives the table statistics after the tickets walk's
 * first committed batch (PlannerStatisticsRepository), a few hundred rows whose distribution PostgreSQL then
 * scales with the table. This spec grows the table the same way (a first walk of a few pages, then many more
 * tickets) and runs the stamp statement the repository sends under EXPLAIN ANALYZE; the same statement on a
 * never-analysed table of the same size shows the trap, so the measure can fail.
 */
describe('the change feed stamp while an initial sync fills the tickets table', () => {
  const TICKETS = 20_000;
  const PAGE = 500;
  const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();

  /** Fills the table past the walk's first pages with the connector's other tickets, as the rest of a sync would. */
  async function grow(db: IntegrationDb, scope: WriteScope, from: number): Promise<void> {
    await db.ds.query(
      `INSERT INTO tickets (tenant_id, connector_id, external_id, status, subject, messages_count, created_at, updated_at, payload)
       SELECT $1, $2::uuid, g, 'open', 'subject ' || g, 1, timestamptz '2025-01-01' + g * interval '1 minute',
              timestamptz '2025-01-01' + g * interval '1 minute', jsonb_build_object('id', g, 'subject', 'subject ' || g)
         FROM generate_series($3::int, $4::int) g`,
      [scope.tenantId, scope.connectorId, from, TICKETS],
    );
  }

  /** The most rows any scan of `tickets` produced while the feed stamped one batch of PAGE tickets. */
  async function stampReads(db: IntegrationDb, scope: WriteScope): Promise<number> {
    const ids = Array.from({ length: PAGE }, (_, i) => String(TICKETS - 2 * PAGE + i));
    const captured: { sql: string; params?: unknown[] }[] = [];
    await db.ds.transaction(async (m) => {
      const recording = { query: (sql: string, params?: unknown[]) => (captured.push({ sql, params }), m.query(sql, params)) } as typeof m;
      await new TicketChangeRepository(db.ds).record(recording, scope, ids);
    });
    const stamp = captured.find((s) => /^WITH stamp AS \(\s*UPDATE tickets/.test(s.sql));
    expect(stamp).toBeDefined();
    const runner = db.ds.createQueryRunner();
    await runner.startTransaction(); // EXPLAIN ANALYZE runs the UPDATE: rolled back
    try {
      const [{ 'QUERY PLAN': plan }] = await runner.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${stamp!.sql}`, stamp!.params);
      return Math.max(...rowsReadByScansOf(plan, 'tickets'));
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  const reltuples = async (db: IntegrationDb) =>
    Number((await db.ds.query(`SELECT reltuples FROM pg_class WHERE oid = 'tickets'::regclass`))[0].reltuples);

  it('without statistics the stamp reads every ticket of the connector for a batch (the trap)', async () => {
    const db = await openIntegrationDb();
    try {
      const svc = runServices(db);
      const { scope } = await claimedRun(db, svc, 'stamp-plan');
      await grow(db, scope, 1);
      expect(await reltuples(db)).toBeLessThan(0);
      expect(await stampReads(db, scope)).toBeGreaterThan(TICKETS / 2);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('an initial walk analyses the table after its first batch; the stamp then reads only the batch’s tickets', async () => {
    const db = await openIntegrationDb();
    try {
      const svc = runServices(db);
      const { scope, run } = await claimedRun(db, svc, 'stamp-plan');
      const gorgias = new FakeGorgiasClient();
      for (let t = 1; t <= 300; t++)
        gorgias.putTicket({ id: t, status: 'open', subject: `T${t}`, messages_count: 0, created_datetime: at(t), updated_datetime: at(t) });
      const s = sessionOf(run, gorgias.asClient(), svc);
      s.checkpoint = { stage: 'tickets', initial: true };
      expect(await reltuples(db)).toBeLessThan(0);
      await new TicketsStage(new TicketWriteRepository(), new PlannerStatisticsRepository()).run(s, 'reconcile', {});
      // Analysed by the walk, while the table held its first pages only.
      const analysed = await reltuples(db);
      expect(analysed).toBeGreaterThan(0);
      expect(analysed).toBeLessThanOrEqual(300);

      await grow(db, scope, 301);
      expect(await reltuples(db)).toBe(analysed); // no statistics taken since: as in the rest of the sync
      expect(await stampReads(db, scope)).toBeLessThanOrEqual(PAGE);
    } finally {
      await db.close();
    }
  }, 120_000);
});
