import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import { sqlLimit } from '../../database/sql-literal';
import { isoMicrosSql } from '../../database/sql-timestamps';
import { MESSAGE_READ_COLUMNS, MessagePageRow } from '../model/message.table';
import type { MessageKey, TicketRef } from '../model/ticket-read.types';
import { selectList } from './column-sql';

/** The columns of MessageRow (alias `m`), from the column table. */
const MESSAGE_COLUMNS = `
  ${selectList('m', MESSAGE_READ_COLUMNS, { created_at_key: isoMicrosSql('m.created_at') })}`;

/** Reads of `messages`, always scoped by the tenant. */
@Injectable()
export class MessageRepository {
  constructor(private readonly reads: PreparedReads) {}

  /**
   * The first `size + 1` messages (after `at`) of each ticket and each ticket's message total: ONE
   * query for the whole batch (a LATERAL index range scan per ticket). Forward: oldest first;
   * backward: newest first. Rows come in ticket order (`ord`, 1-based).
   */
  pages(
    tenantId: string,
    tickets: readonly TicketRef[],
    size: number,
    at: MessageKey | undefined,
    backward: boolean,
  ): Promise<MessagePageRow[]> {
    const params: unknown[] = [tickets.map((t) => t.id), tickets.map((t) => t.connectorId), tickets.map((t) => t.externalId), tenantId];
    let cursor = '';
    if (at) {
      params.push(at.createdAt, at.id);
      cursor = `AND (m.created_at, m.id) ${backward ? '<' : '>'} ($5::timestamptz, $6::uuid)`;
    }
    const dir = backward ? 'DESC' : 'ASC';
    return this.reads.rows(
      `SELECT k.ord, k.ticket_id, c.total, p.*
       FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) WITH ORDINALITY AS k(ticket_id, connector_id, ticket_external_id, ord)
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS total FROM messages m
         WHERE m.connector_id = k.connector_id AND m.ticket_external_id = k.ticket_external_id
           AND m.tenant_id = $4 AND m.deleted_at IS NULL
       ) c
       LEFT JOIN LATERAL (
         SELECT ${MESSAGE_COLUMNS} FROM messages m
         WHERE m.connector_id = k.connector_id AND m.ticket_external_id = k.ticket_external_id
           AND m.tenant_id = $4 AND m.deleted_at IS NULL ${cursor}
         ORDER BY m.created_at ${dir}, m.id ${dir}
         LIMIT ${sqlLimit(size + 1)}
       ) p ON true
       ORDER BY k.ord, p.created_at ${dir}, p.id ${dir}`,
      params,
    );
  }

  /** Messages of live tickets per connector, in one query. */
  async countsByConnector(tenantId: string, connectorIds: readonly string[]): Promise<Map<string, number>> {
    const rows: { id: string; n: number }[] = await this.reads.rows(
      `SELECT k.id, (
         SELECT count(*) FROM messages m
         JOIN tickets t ON t.tenant_id = m.tenant_id AND t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id
         WHERE m.connector_id = k.id AND m.tenant_id = $2 AND m.deleted_at IS NULL AND t.deleted_at IS NULL
       )::int AS n
       FROM unnest($1::uuid[]) AS k(id)`,
      [connectorIds, tenantId],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }
}
