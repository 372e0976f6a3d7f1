import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import { isoMicrosSql } from '../../database/sql-timestamps';
import { TICKET_READ_COLUMNS, TicketRow } from '../model/ticket.table';
import { selectList } from './column-sql';
import type { IncludeSql } from './ticket-includes.repository';
import type { TicketWhere } from './ticket-where';

/** The columns of TicketRow (alias `t`), from the column table. */
export const TICKET_COLUMNS = `
  ${selectList('t', TICKET_READ_COLUMNS, {
    description: `coalesce(nullif(t.description, ''), t.excerpt)`,
    updated_at_key: isoMicrosSql('t.updated_at'),
  })}`;

const ORDER = 'ORDER BY t.updated_at DESC, t.id DESC';
/** No includes: the page statement as it is. */
const AS_IS: IncludeSql = (sql) => sql;

/** Reads of `tickets`, always scoped by the tenant ($1 of every TicketWhere). */
@Injectable()
export class TicketRepository {
  constructor(private readonly reads: PreparedReads) {}

  /** Newest update first, up to `limit` (a parameter of `w`); `withIncludes` adds what the page brings along (see ticketIncludesSql). */
  list(w: TicketWhere, limit: string, withIncludes = AS_IS): Promise<TicketRow[]> {
    return this.reads.rows(withIncludes(`SELECT ${TICKET_COLUMNS} FROM tickets t WHERE ${w.sql} ${ORDER} LIMIT ${limit}`), w.params);
  }

  /** Search, first step: the newest `walk` tickets of the list, each checked against `q` (fast when the words are common). */
  searchWalk(w: TicketWhere, q: string, limit: string, walk: number, withIncludes = AS_IS): Promise<TicketRow[]> {
    // OFFSET 0 keeps the EXISTS a per-ticket index probe (not a hash of every matching message).
    return this.reads.rows(
      withIncludes(`SELECT ${TICKET_COLUMNS} FROM (
         SELECT t.* FROM tickets t WHERE ${w.sql} ${ORDER} LIMIT ${walk}
       ) t
       WHERE t.search @@ ${q} OR EXISTS (
         SELECT 1 FROM messages m
         WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
           AND m.tenant_id = $1 AND m.deleted_at IS NULL AND m.search @@ ${q}
         OFFSET 0)
       ${ORDER} LIMIT ${limit}`),
      w.params,
    );
  }

  /** Search, second step: every match through the GIN indexes (fast when the words are rare). */
  searchAll(w: TicketWhere, q: string, limit: string, withIncludes = AS_IS): Promise<TicketRow[]> {
    return this.reads.rows(
      withIncludes(`WITH hit AS MATERIALIZED (
         SELECT t.id FROM tickets t WHERE t.tenant_id = $1 AND t.search @@ ${q}
         UNION
         SELECT t.id FROM messages m
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id
         WHERE m.tenant_id = $1 AND m.deleted_at IS NULL AND m.search @@ ${q}
       )
       SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id IN (SELECT id FROM hit) AND ${w.sql} ${ORDER} LIMIT ${limit}`),
      w.params,
    );
  }

  /** How many tickets match `w` and, when given, the search `q`. */
  async count(w: TicketWhere, q?: string): Promise<number> {
    if (q) {
      // Counting needs every match: here one pass over the matching messages (a hashed subplan) is right.
      w.add(`(t.search @@ ${q} OR EXISTS (
        SELECT 1 FROM messages m
        WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
          AND m.tenant_id = $1 AND m.deleted_at IS NULL AND m.search @@ ${q}))`);
    }
    const [row] = await this.reads.rows<{ n: number }>(`SELECT count(*)::int AS n FROM tickets t WHERE ${w.sql}`, w.params);
    return row.n;
  }

  async findById(tenantId: string, id: string): Promise<TicketRow | null> {
    const rows: TicketRow[] = await this.reads.rows(`SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.tenant_id = $1 AND t.id = $2`, [
      tenantId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async findByExternalId(tenantId: string, connectorId: string, externalId: string): Promise<TicketRow | null> {
    const rows: TicketRow[] = await this.reads.rows(
      `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.tenant_id = $1 AND t.connector_id = $2 AND t.external_id = $3`,
      [tenantId, connectorId, externalId],
    );
    return rows[0] ?? null;
  }

  /** Live (not deleted) tickets per connector, in one query. */
  async countsByConnector(tenantId: string, connectorIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { id: string; n: number }[] = await this.reads.rows(
      `SELECT k.id, (SELECT count(*) FROM tickets t WHERE t.connector_id = k.id AND t.tenant_id = $2 AND t.deleted_at IS NULL)::int AS n
       FROM unnest($1::uuid[]) AS k(id)`,
      [connectorIds, tenantId],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }
}
