import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { ColumnSpec, recordColumns, writeColumns } from '../model/columns';
import { CUSTOMER_COLUMNS, CustomerWriteRow } from '../model/customer.table';
import { MESSAGE_COLUMNS, MessageWriteRow } from '../model/message.table';
import { TICKET_COLUMNS, TicketWriteRow } from '../model/ticket.table';

export interface CompareScope {
  tenantId: string;
  connectorId: string;
}

/** How one provider record compares with our row: missing here, or the stored columns that differ (none: equal). */
export interface RowComparison {
  externalId: string;
  missing: boolean;
  fields: string[];
}

/** Creation-time bounds of a slice of tickets (provider datetimes; null: open). */
export interface CreatedSlice {
  /** Lowest creation time in the slice, inclusive or (with `fromExclusive`) exclusive. */
  from: string | null;
  fromExclusive: boolean;
  /** Highest creation time, inclusive. */
  to: string | null;
}

/** PostgreSQL text and jsonb refuse NUL characters: stripped as the upsert strips them (ticket-write.repository.ts). */
function toJson(rows: unknown[]): string {
  return JSON.stringify(rows, (_k, v) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v));
}

/**
 * One statement per table: the provider's rows, mapped by the sync's own mapper, typed by the same
 * `jsonb_to_recordset` record the upsert writes with, beside our stored row; each written column
 * compared with IS DISTINCT FROM, naming those that differ. Both sides go through the same column
 * types (timestamps, jsonb, arrays), so a row the upsert just wrote compares equal by construction,
 * and a column added to a table (model/*.table.ts) is compared without touching this file.
 */
function compareSql(table: string, spec: readonly ColumnSpec[], liveCheck: string, only: { skip?: string; when?: string } = {}): string {
  const columns = writeColumns(spec).filter((c) => c !== only.skip);
  const differing = columns.map((c) => `CASE WHEN x.${c} IS DISTINCT FROM s.${c} THEN '${c}' END`).join(', ');
  // The stored rows are read by their keys (an index scan of the page's ids), not joined: a join on the
  // record set let the planner scan the connector's whole table for each page.
  return `WITH x AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(${recordColumns(spec).join(', ')})),
       s AS MATERIALIZED (SELECT * FROM ${table} WHERE tenant_id = $1 AND connector_id = $2 AND external_id = ANY($4::bigint[]))
    SELECT x.external_id::text AS "externalId", (s.external_id IS NULL ${liveCheck}) AS missing,
           array_remove(ARRAY[${differing}]::text[], NULL) AS fields
      FROM x LEFT JOIN s ON s.external_id = x.external_id${only.when ? ` WHERE ${only.when}` : ''}`;
}

const COMPARE_TICKETS = compareSql('tickets', TICKET_COLUMNS, 'OR s.deleted_at IS NOT NULL');
const COMPARE_MESSAGES = compareSql('messages', MESSAGE_COLUMNS, '');
// A customer row is the newest copy any ticket carried (its source_version: that ticket's update time), so
// a copy from an older ticket of the page is not compared, and the version itself is not a difference.
const COMPARE_CUSTOMERS = compareSql('customers', CUSTOMER_COLUMNS, '', {
  skip: 'source_version',
  when: 's.external_id IS NULL OR s.source_version <= x.source_version',
});

/**
 * Reads for verification (sync/verification): how the provider's records compare with what is stored,
 * and which stored tickets the provider no longer lists. Read-only; every statement is scoped to the
 * tenant and connector (Citus routes it to the tenant's node).
 */
@Injectable()
export class TicketCompareRepository {
  /** The tickets that are missing here (or deleted here) or differ; equal ones are left out. */
  async compareTickets(m: EntityManager, scope: CompareScope, rows: TicketWriteRow[]): Promise<RowComparison[]> {
    return this.compare(m, COMPARE_TICKETS, scope, rows);
  }

  /** The messages that are missing here or differ (a message deleted in Gorgias differs by its deleted_at). */
  async compareMessages(m: EntityManager, scope: CompareScope, rows: MessageWriteRow[]): Promise<RowComparison[]> {
    return this.compare(m, COMPARE_MESSAGES, scope, rows);
  }

  /**
   * The customers the page's tickets carry that are missing here or differ from the newest stored copy
   * (an edit of the customer alone may not move its tickets' update time, so a sync may never see it).
   */
  async compareCustomers(m: EntityManager, scope: CompareScope, rows: CustomerWriteRow[]): Promise<RowComparison[]> {
    return this.compare(m, COMPARE_CUSTOMERS, scope, rows);
  }

  /**
   * Tickets live here, created within `slice`, that are not among `listed` (the provider's ids of that
   * slice): deleted in Gorgias, or never there.
   */
  async unlistedTickets(m: EntityManager, scope: CompareScope, slice: CreatedSlice, listed: string[]): Promise<string[]> {
    const rows = await queryRows<{ externalId: string }>(
      m,
      `SELECT external_id::text AS "externalId" FROM tickets
        WHERE tenant_id = $1 AND connector_id = $2 AND deleted_at IS NULL
          AND ($3::timestamptz IS NULL OR created_at > $3::timestamptz OR (NOT $4 AND created_at = $3::timestamptz))
          AND ($5::timestamptz IS NULL OR created_at <= $5::timestamptz)
          AND NOT (external_id = ANY($6::bigint[]))
        ORDER BY external_id`,
      [scope.tenantId, scope.connectorId, slice.from, slice.fromExclusive, slice.to, listed],
    );
    return rows.map((r) => r.externalId);
  }

  private async compare(m: EntityManager, sql: string, scope: CompareScope, rows: { external_id: number }[]): Promise<RowComparison[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => String(r.external_id));
    const out = await queryRows<RowComparison>(m, sql, [scope.tenantId, scope.connectorId, toJson(rows), ids]);
    return out.filter((r) => r.missing || r.fields.length > 0);
  }
}
