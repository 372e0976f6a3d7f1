import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import { sqlLimit } from '../../database/sql-literal';
import { isoMicrosSql } from '../../database/sql-timestamps';
import type { ExternalKey, TicketEventKey, TicketEventPageRow } from '../model/coverage-read.types';
import { TICKET_EVENT_READ_COLUMNS } from '../model/ticket-event.table';
import { selectList } from './column-sql';

const EVENT_COLUMNS = `${selectList('e', TICKET_EVENT_READ_COLUMNS)}, ${isoMicrosSql('e.at')} AS at_key`;

/** Reads of `ticket_events`: each ticket's history, oldest first. Always scoped by the tenant ($1). */
@Injectable()
export class TicketHistoryRepository {
  constructor(private readonly reads: PreparedReads) {}

  /**
   * The first `size + 1` events (after `at`) of each ticket and each ticket's event total: ONE query
   * for the whole batch (an index range scan per ticket). Rows come in ticket order (`ord`, 1-based);
   * a ticket without events gives one row with a null external_id and its total.
   */
  pages(tenantId: string, tickets: readonly ExternalKey[], size: number, at: TicketEventKey | undefined): Promise<TicketEventPageRow[]> {
    const params: unknown[] = [tenantId, tickets.map((t) => t.connectorId), tickets.map((t) => t.externalId)];
    let cursor = '';
    if (at) {
      params.push(at.at, at.id);
      cursor = 'AND (e.at, e.external_id) > ($4::timestamptz, $5::bigint)';
    }
    return this.reads.rows(
      `SELECT k.ord, c.total, p.*
       FROM unnest($2::uuid[], $3::bigint[]) WITH ORDINALITY AS k(connector_id, ticket_external_id, ord)
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS total FROM ticket_events e
         WHERE e.tenant_id = $1 AND e.connector_id = k.connector_id AND e.ticket_external_id = k.ticket_external_id
       ) c
       LEFT JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM ticket_events e
         WHERE e.tenant_id = $1 AND e.connector_id = k.connector_id AND e.ticket_external_id = k.ticket_external_id ${cursor}
         ORDER BY e.at, e.external_id
         LIMIT ${sqlLimit(size + 1)}
       ) p ON true
       ORDER BY k.ord, p.at, p.external_id`,
      params,
    );
  }
}
