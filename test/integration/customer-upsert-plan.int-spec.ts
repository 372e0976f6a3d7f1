import { toTicketRows } from '../../src/sync/engine/source/helpdesk-source';
import { TicketsStage } from '../../src/sync/engine/stages/tickets.stage';
import { CustomerWriteRow } from '../../src/tickets/model/customer.table';
import { PlannerStatisticsRepository } from '../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { rowsReadByScansOf } from './support/plan-reads';
import { claimedRun, runServices, sessionOf } from './support/run-harness';

/**
 * Issue 27, round 3h: the feed stamp's trap (feed-stamp-plan.int-spec.ts) in the customers' upsert. A page's
 * customers stored by earlier pages are written by `UPDATE customers t … FROM jsonb_to_recordset($3) x,
 * customers o`; on a never-analysed table PostgreSQL guesses the connector holds one customer and hashed every
 * one of them for each batch (0.24 s of server time in a 20,000-ticket sync, 4 ms a batch, growing with the
 * account). The tickets walk now gives `customers` its first statistics with the tickets'. This spec runs the
 * statement the repository sends under EXPLAIN ANALYZE on a table grown past those first pages; the same
 * statement on a never-analysed table of the same size shows the trap, so the measure can fail.
 */
describe("the customers' upsert while an initial sync fills the customers table", () => {
  const CUSTOMERS = 20_000;
  const PAGE = 300;
  const at = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();

  /** The connector's other customers, as the rest of a sync would store them. */
  async function grow(db: IntegrationDb, scope: WriteScope, from: number): Promise<void> {
    await db.ds.query(
      `INSERT INTO customers (tenant_id, connector_id, external_id, email, name, payload, source_version)
       SELECT $1, $2::uuid, g, 'c' || g || '@acme.test', 'Customer ' || g, jsonb_build_object('id', g), timestamptz '2025-01-01'
         FROM generate_series($3::int, $4::int) g`,
      [scope.tenantId, scope.connectorId, from, CUSTOMERS],
    );
  }

  /** The most rows any scan of `customers` produced while a page of PAGE stored customers was written again. */
  async function updateReads(db: IntegrationDb, scope: WriteScope): Promise<number> {
    const customers: CustomerWriteRow[] = Array.from({ length: PAGE }, (_, i) => {
      const id = CUSTOMERS - 2 * PAGE + i;
      return { external_id: id, email: `new${id}@acme.test`, name: `Customer ${id}`, payload: { id }, source_version: at(1) };
    });
    const captured: { sql: string; params?: unknown[] }[] = [];
    // A page of one ticket with the customers (upsertTickets writes customers with tickets), rolled back.
    const tickets = toTicketRows([{ id: 1, status: 'open', subject: 'T1', created_datetime: at(1), updated_datetime: at(1) }]);
    await db.ds
      .transaction(async (m) => {
        const recording = {
          query: (sql: string, params?: unknown[]) => (captured.push({ sql, params }), m.query(sql, params)),
        } as typeof m;
        await new TicketWriteRepository().upsertTickets(recording, scope, { tickets, customers });
        throw new Error('rollback');
      })
      .catch((e: Error) => {
        if (e.message !== 'rollback') throw e;
      });
    const update = captured.find((s) => /^UPDATE customers t/.test(s.sql.trim()));
    expect(update).toBeDefined();
    const runner = db.ds.createQueryRunner();
    await runner.startTransaction(); // EXPLAIN ANALYZE runs the UPDATE: rolled back
    try {
      const [{ 'QUERY PLAN': plan }] = await runner.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${update!.sql}`, update!.params);
      return Math.max(...rowsReadByScansOf(plan, 'customers'));
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  }

  const reltuples = async (db: IntegrationDb) =>
    Number((await db.ds.query(`SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass`))[0].reltuples);

  it('without statistics the UPDATE reads every customer of the connector for a page (the trap)', async () => {
    const db = await openIntegrationDb();
    try {
      const svc = runServices(db);
      const { scope } = await claimedRun(db, svc, 'customer-plan');
      await grow(db, scope, 1);
      expect(await reltuples(db)).toBeLessThan(0);
      expect(await updateReads(db, scope)).toBeGreaterThan(CUSTOMERS / 2);
    } finally {
      await db.close();
    }
  }, 120_000);

  it('an initial tickets walk analyses customers after its first batch; the UPDATE then reads only the page’s', async () => {
    const db = await openIntegrationDb();
    try {
      const svc = runServices(db);
      const { scope, run } = await claimedRun(db, svc, 'customer-plan');
      const gorgias = new FakeGorgiasClient();
      for (let t = 1; t <= 300; t++)
        gorgias.putTicket({
          id: t,
          status: 'open',
          subject: `T${t}`,
          messages_count: 0,
          created_datetime: at(t),
          updated_datetime: at(t),
          customer: { id: t, email: `c${t}@acme.test`, name: `Customer ${t}` },
        });
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
      expect(await updateReads(db, scope)).toBeLessThanOrEqual(PAGE);
    } finally {
      await db.close();
    }
  }, 120_000);
});
