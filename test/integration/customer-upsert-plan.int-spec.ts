import { toTicketRows } from '../../src/sync/engine/source/helpdesk-source';
import { CustomerWriteRow } from '../../src/tickets/model/customer.table';
import { TicketWriteRepository, WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { statisticsTrapCases } from './support/initial-walk';
import { IntegrationDb } from './support/integration-db';
import { mostRowsReadByScansOf, recordingManager, SentStatement } from './support/plan-reads';

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
    const sent: SentStatement[] = [];
    // A page of one ticket with the customers (upsertTickets writes customers with tickets), rolled back.
    const tickets = toTicketRows([{ id: 1, status: 'open', subject: 'T1', created_datetime: at(1), updated_datetime: at(1) }]);
    await db.ds
      .transaction(async (m) => {
        await new TicketWriteRepository().upsertTickets(recordingManager(m, sent), scope, { tickets, customers });
        throw new Error('rollback');
      })
      .catch((e: Error) => {
        if (e.message !== 'rollback') throw e;
      });
    const update = sent.find((s) => /^UPDATE customers t/.test(s.sql.trim()));
    expect(update).toBeDefined();
    return mostRowsReadByScansOf(db.ds, update!, 'customers');
  }

  statisticsTrapCases({
    owner: 'customer-plan',
    table: 'customers',
    size: CUSTOMERS,
    page: PAGE,
    grow: ({ db, scope }, from) => grow(db, scope, from),
    reads: ({ db, scope }) => updateReads(db, scope),
    // Each walked ticket brings its own customer: the walk stores 300 of them before the table grows.
    ticket: (t) => ({
      id: t,
      status: 'open',
      subject: `T${t}`,
      messages_count: 0,
      created_datetime: at(t),
      updated_datetime: at(t),
      customer: { id: t, email: `c${t}@acme.test`, name: `Customer ${t}` },
    }),
  });
});
