import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The tables an initial sync fills from empty, whose first statistics this repository gives. */
export type SyncedTable = 'tickets' | 'messages' | 'customers';

/**
 * The columns the sync's own statements filter and join on, per table: the reconcile's counts, the change
 * feed's stamp (`UPDATE tickets … FROM unnest`), the description lookup, the per-ticket message reads and
 * the customers' upsert.
 */
const ANALYZED_COLUMNS: Record<SyncedTable, string> = {
  tickets:
    'tenant_id, connector_id, external_id, customer_external_id, deleted_at, trashed_at, messages_count, reconciled_messages_count, updated_at',
  messages: 'tenant_id, connector_id, ticket_external_id, external_id, deleted_at, created_at',
  // The upsert's UPDATE of stored customers joins the page's rows on the key: without statistics it hashed
  // every customer of the connector for each batch (round 3h: 4 ms a batch at 6,336 customers, 13 at 20,000).
  customers: 'tenant_id, connector_id, external_id',
};

/**
 * Planner statistics for tables an initial sync is filling in a fresh database. A table that was never
 * analysed has none, and PostgreSQL then guesses `tenant_id = $1 AND connector_id = $2` to match one row:
 * it hashed every ticket of the connector for each page's feed stamp (8.6 ms a page at 20,000 tickets,
 * growing with the account), and the reconcile's per-ticket count read every message of the connector for
 * each ticket. Autovacuum analyses a table only after its first minute of rows, which an unthrottled initial
 * sync spends entirely in the trap. One ANALYZE of a few hundred rows gives the distributions (one tenant,
 * unique external ids); PostgreSQL scales the row counts with the table's size from then on.
 *
 * Only tables that hold rows and were never analysed (an empty table's ANALYZE leaves no column statistics
 * and would mark it as analysed); skipped on Citus, where each worker plans on its own shards' statistics.
 * Only the listed columns: the wide ones (payload, search, texts) were most of a full ANALYZE's time, and a
 * column list does not reset the change counters, so autovacuum still analyses every column soon after.
 */
@Injectable()
export class PlannerStatisticsRepository {
  async analyzeIfNeverAnalyzed(m: EntityManager, tables: readonly SyncedTable[]): Promise<void> {
    if (!tables.length) return;
    const rows: { name: SyncedTable }[] = await m.query(
      `SELECT c.relname AS name FROM pg_class c
        WHERE c.oid = ANY($1::regclass[]) AND c.reltuples < 0 AND pg_relation_size(c.oid) > 0
          AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')`,
      [tables],
    );
    if (rows.length) await m.query(`ANALYZE ${rows.map((r) => `${r.name} (${ANALYZED_COLUMNS[r.name]})`).join(', ')}`);
  }
}
