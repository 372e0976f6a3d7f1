import { TicketChangeRepository } from '../../src/tickets/changes/ticket-change.repository';
import { WriteScope } from '../../src/tickets/repositories/ticket-write.repository';
import { statisticsTrapCases } from './support/initial-walk';
import { IntegrationDb } from './support/integration-db';
import { mostRowsReadByScansOf, recordingManager, SentStatement } from './support/plan-reads';

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
    const sent: SentStatement[] = [];
    await db.ds.transaction((m) => new TicketChangeRepository(db.ds).record(recordingManager(m, sent), scope, ids));
    const stamp = sent.find((s) => /^WITH stamp AS \(\s*UPDATE tickets/.test(s.sql));
    expect(stamp).toBeDefined();
    return mostRowsReadByScansOf(db.ds, stamp!, 'tickets');
  }

  statisticsTrapCases({
    owner: 'stamp-plan',
    table: 'tickets',
    size: TICKETS,
    page: PAGE,
    grow: ({ db, scope }, from) => grow(db, scope, from),
    reads: ({ db, scope }) => stampReads(db, scope),
    ticket: (t) => ({ id: t, status: 'open', subject: `T${t}`, messages_count: 0, created_datetime: at(t), updated_datetime: at(t) }),
  });
});
