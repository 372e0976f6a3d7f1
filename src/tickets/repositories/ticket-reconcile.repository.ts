import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import type { WriteScope } from './ticket-write.repository';

export interface MessageCountMismatch {
  externalId: string;
  expected: number;
  stored: number;
  /** In the Gorgias trash: its messages may be left out of the messages list, so a gap is expected. */
  trashed: boolean;
}

/** Which stored ticket holds a message (bigint ids as decimal strings). */
export interface MessagePlacement {
  messageExternalId: string;
  ticketExternalId: string;
}

/**
 * What tells the sync which stored tickets to read again on their own: tickets whose stored messages
 * disagree with Gorgias' count, the tickets that hold given messages, and the mark a re-read leaves
 * (so that a gap Gorgias itself keeps is not read again and again). Scoped to the tenant and connector; the
 * tenant is repeated inside each LATERAL subquery, where Citus does not infer it from the join.
 */
@Injectable()
export class TicketReconcileRepository {
  /**
   * Live tickets whose stored messages differ from Gorgias' `messages_count`, unless they were
   * already re-read at that same count (a gap Gorgias itself keeps, e.g. deleted messages).
   */
  async findMessageCountMismatches(
    m: EntityManager,
    scope: WriteScope,
    limit: number,
    only: { trashed?: boolean } = {},
  ): Promise<MessageCountMismatch[]> {
    if (limit <= 0) return [];
    const trashedFilter = only.trashed === undefined ? '' : only.trashed ? 'AND t.trashed_at IS NOT NULL' : 'AND t.trashed_at IS NULL';
    const rows: { external_id: string; expected: number; stored: number; trashed: boolean }[] = await m.query(
      `SELECT t.external_id::text AS external_id, t.messages_count AS expected, coalesce(c.n, 0)::int AS stored,
              t.trashed_at IS NOT NULL AS trashed
         FROM tickets t
         -- one index lookup per ticket: right whatever the planner's statistics say (right after a bulk
         -- initial sync they are stale, and a join against the grouped messages went quadratic)
         CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages m
                              WHERE m.tenant_id = $3 AND m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
                                AND m.deleted_at IS NULL) c
        WHERE t.connector_id = $1 AND t.tenant_id = $3 AND t.deleted_at IS NULL
          AND t.messages_count <> coalesce(c.n, 0)
          AND t.reconciled_messages_count IS DISTINCT FROM t.messages_count ${trashedFilter}
        ORDER BY t.updated_at DESC
        LIMIT $2`,
      [scope.connectorId, limit, scope.tenantId],
    );
    return rows.map((r) => ({ externalId: r.external_id, expected: r.expected, stored: r.stored, trashed: r.trashed }));
  }

  /**
   * The stored tickets that hold these messages (deleted messages included): which ticket a message
   * event is about, and which tickets a merge emptied (their messages now embedded in another).
   */
  async findMessagePlacements(m: EntityManager, scope: WriteScope, messageExternalIds: string[]): Promise<MessagePlacement[]> {
    if (!messageExternalIds.length) return [];
    const rows: { message: string; ticket: string }[] = await m.query(
      `SELECT external_id::text AS message, ticket_external_id::text AS ticket FROM messages
        WHERE connector_id = $1 AND tenant_id = $3 AND external_id = ANY($2::bigint[])`,
      [scope.connectorId, [...new Set(messageExternalIds)], scope.tenantId],
    );
    return rows.map((r) => ({ messageExternalId: r.message, ticketExternalId: r.ticket }));
  }

  /** Of these tickets, those whose stored live messages differ from the count Gorgias reports (and not reconciled at that count). */
  async messageCountMismatchesAmong(m: EntityManager, scope: WriteScope, externalIds: string[]): Promise<string[]> {
    if (!externalIds.length) return [];
    const rows: { external_id: string }[] = await m.query(
      `SELECT t.external_id::text AS external_id
         FROM tickets t
         CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages m
                              WHERE m.tenant_id = $2 AND m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
                                AND m.deleted_at IS NULL) c
        WHERE t.connector_id = $1 AND t.tenant_id = $2 AND t.external_id = ANY($3::bigint[]) AND t.deleted_at IS NULL
          AND t.messages_count <> c.n AND t.reconciled_messages_count IS DISTINCT FROM t.messages_count`,
      [scope.connectorId, scope.tenantId, externalIds],
    );
    return rows.map((r) => r.external_id);
  }

  /** Records that a ticket was re-read on its own at its current count (not shown by the API). */
  async markReconciled(m: EntityManager, scope: WriteScope, externalId: string): Promise<void> {
    await this.markManyReconciled(m, scope, [externalId]);
  }

  /** The same for several tickets, in one statement. */
  async markManyReconciled(m: EntityManager, scope: WriteScope, externalIds: string[]): Promise<void> {
    if (!externalIds.length) return;
    await m.query(
      `UPDATE tickets SET reconciled_messages_count = messages_count
        WHERE connector_id = $1 AND tenant_id = $3 AND external_id = ANY($2::bigint[])`,
      [scope.connectorId, externalIds, scope.tenantId],
    );
  }
}
