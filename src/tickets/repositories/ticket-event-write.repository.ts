import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { recordColumns, writeColumns } from '../model/columns';
import { TICKET_EVENT_COLUMNS, TicketEventWriteRow } from '../model/ticket-event.table';
import type { WriteScope } from './ticket-write.repository';

/** A stored ticket's assignment and status, as the history fills an event without data from it. */
export interface TicketStateRow {
  external_id: string;
  assignee_external_id: string | null;
  team_external_id: string | null;
  status: string;
}

const COLUMNS = writeColumns(TICKET_EVENT_COLUMNS);
const RECORD = recordColumns(TICKET_EVENT_COLUMNS).join(', ');

/**
 * Ticket histories (`ticket_events`): one row per provider event, inserted once (an event read again in
 * the overlap window changes nothing), and what the history needs to fill an event without data: the
 * stored ticket's state and tag names. Every statement carries the tenant.
 */
@Injectable()
export class TicketEventWriteRepository {
  /** Inserts history rows not stored yet; returns how many were new. */
  async insert(m: EntityManager, scope: WriteScope, rows: TicketEventWriteRow[]): Promise<number> {
    if (!rows.length) return 0;
    const inserted = await queryRows(
      m,
      `INSERT INTO ticket_events (tenant_id, connector_id, external_id, ${COLUMNS.join(', ')})
       SELECT $1, $2, x.external_id, ${COLUMNS.map((c) => `x.${c}`).join(', ')} FROM jsonb_to_recordset($3::jsonb) AS x(${RECORD})
       ON CONFLICT (tenant_id, connector_id, external_id) DO NOTHING RETURNING external_id`,
      [scope.tenantId, scope.connectorId, JSON.stringify(rows)],
    );
    return inserted.length;
  }

  /** The stored tickets' assignee, team and status (ids as decimal text). */
  async ticketStates(m: EntityManager, scope: WriteScope, ticketIds: string[]): Promise<Map<string, TicketStateRow>> {
    if (!ticketIds.length) return new Map();
    const rows = await queryRows<TicketStateRow>(
      m,
      `SELECT external_id::text AS external_id, assignee_external_id::text AS assignee_external_id,
              team_external_id::text AS team_external_id, status
         FROM tickets WHERE tenant_id = $1 AND connector_id = $2 AND external_id = ANY($3::bigint[])`,
      [scope.tenantId, scope.connectorId, ticketIds],
    );
    return new Map(rows.map((r) => [r.external_id, r]));
  }

  /** Stored tag names by id (deleted and merged tags included: a history keeps naming them). */
  async tagNames(m: EntityManager, scope: WriteScope, tagIds: string[]): Promise<Map<string, string>> {
    if (!tagIds.length) return new Map();
    const rows = await queryRows<{ id: string; name: string }>(
      m,
      `SELECT external_id::text AS id, name FROM tags WHERE tenant_id = $1 AND connector_id = $2 AND external_id = ANY($3::bigint[])`,
      [scope.tenantId, scope.connectorId, tagIds],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
