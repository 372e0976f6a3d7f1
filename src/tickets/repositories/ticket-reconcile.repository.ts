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
/** The columns the reconcile's queries read, per table (what `analyzeIfNeverAnalyzed` gives statistics). */
const ANALYZED_COLUMNS: Record<string, string> = {
  tickets: 'tenant_id, connector_id, external_id, deleted_at, trashed_at, messages_count, reconciled_messages_count, updated_at',
  messages: 'tenant_id, connector_id, ticket_external_id, external_id, deleted_at',
};

@Injectable()
export class TicketReconcileRepository {
  /**
   * Gives the planner statistics for tickets and messages when they have never had any (a fresh
   * database whose first initial sync just filled them). Without them the per-ticket message count
   * below reads every message of the connector for each ticket (the tenant-keyed unique index ties
   * with the ticket index on a guessed cost): a 5,000-ticket sync's reconcile then ran past the
   * statement timeout. Skipped on Citus, where each worker plans on its own shards' statistics, and
   * once the tables have statistics (autovacuum keeps them).
   *
   * Only the columns these queries filter and join on: the full ANALYZE spent most of its time on the
   * wide ones (payload, search, texts: 0.4 s of a 5,000-ticket sync). A column list sets the row counts
   * the planner needs without resetting the tables' change counters, so autovacuum still analyzes
   * every column soon after, as it did before this ANALYZE existed.
   */
  async analyzeIfNeverAnalyzed(m: EntityManager): Promise<void> {
    const rows: { name: string }[] = await m.query(
      `SELECT c.relname AS name FROM pg_class c
        WHERE c.oid IN ('tickets'::regclass, 'messages'::regclass) AND c.reltuples < 0
          AND NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')`,
    );
    if (rows.length) await m.query(`ANALYZE ${rows.map((r) => `${r.name} (${ANALYZED_COLUMNS[r.name]})`).join(', ')}`);
  }

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
