import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { TicketRow } from '../model/ticket.table';
import { TICKET_COLUMNS } from '../repositories/ticket.repository';
import { FeedPosition } from './ticket-change-cursor';

/** Which feed a reader follows: a tenant's, or one of its connectors'. */
export interface FeedScope {
  tenantId: string;
  connectorId?: string | null;
}

export interface FeedEntry {
  position: FeedPosition;
  changedAt: Date;
  /** The ticket as it is now (the API maps it, see toTicketChange). */
  row: TicketRow;
}

/** The position a writer gave a ticket (as committed, if its transaction commits). */
export interface RecordedChange {
  ticketExternalId: string;
  position: FeedPosition;
}

/** NOTIFY channel of the feed: sent inside the writing transaction, so delivered only at its commit. */
export const TICKET_CHANGES_CHANNEL = 'cxconnect_ticket_changes';

/**
 * The horizon: every transaction with a smaller id has finished (committed or rolled back), so no
 * change can ever appear below it. Taken from the statement's own snapshot, in an InitPlan (once).
 */
const HORIZON = `(SELECT pg_snapshot_xmin(pg_current_snapshot()))`;

/** The only SQL of the change feed (table `ticket_changes`). */
@Injectable()
export class TicketChangeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Moves these tickets to the end of the feed, inside the caller's transaction `m`: the rows
   * commit or roll back with the write that changed the tickets. Ids are sorted so that two
   * transactions touching the same tickets lock their rows in the same order (no deadlock).
   */
  async record(
    m: EntityManager,
    scope: { tenantId: string; connectorId: string },
    ticketExternalIds: readonly string[],
  ): Promise<RecordedChange[]> {
    const ids = [...new Set(ticketExternalIds)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    if (!ids.length) return [];
    const rows: { ticket_external_id: string; xact_id: string; seq: string }[] = await m.query(
      `INSERT INTO ticket_changes (connector_id, ticket_external_id, tenant_id)
       SELECT $1, k.id, $2 FROM unnest($3::bigint[]) WITH ORDINALITY AS k(id, ord) ORDER BY k.ord
       ON CONFLICT (connector_id, ticket_external_id) DO UPDATE SET
         xact_id = pg_current_xact_id(), seq = nextval('ticket_changes_seq'), changed_at = now()
       RETURNING ticket_external_id::text AS ticket_external_id, xact_id::text AS xact_id, seq::text AS seq`,
      [scope.connectorId, scope.tenantId, ids],
    );
    await m.query(`SELECT pg_notify($1, $2)`, [TICKET_CHANGES_CHANNEL, JSON.stringify({ t: scope.tenantId, c: scope.connectorId })]);
    return rows.map((r) => ({ ticketExternalId: r.ticket_external_id, position: { xactId: r.xact_id, seq: r.seq } }));
  }

  /**
   * Up to `limit` tickets after `after`, in feed order, each with its current state. Only
   * positions below the horizon: a position a reader has passed can never be filled in later.
   * Feed rows of tickets not stored yet (messages synced before their ticket) wait for the ticket.
   */
  async page(scope: FeedScope, after: FeedPosition | undefined, limit: number): Promise<FeedEntry[]> {
    const { where, params } = this.where(scope, after);
    const rows: any[] = await this.dataSource.query(
      `SELECT c.xact_id::text AS feed_xact_id, c.seq::text AS feed_seq, c.changed_at AS feed_changed_at, ${TICKET_COLUMNS}
         FROM ticket_changes c
         JOIN tickets t ON t.connector_id = c.connector_id AND t.external_id = c.ticket_external_id AND t.tenant_id = c.tenant_id
        WHERE ${where} AND c.xact_id < ${HORIZON}
        ORDER BY c.xact_id, c.seq
        LIMIT $${params.push(limit)}`,
      params,
    );
    return rows.map((r) => ({ position: { xactId: r.feed_xact_id, seq: r.feed_seq }, changedAt: r.feed_changed_at, row: r }));
  }

  /** How many tickets a read from `after` would return, whatever the page size. */
  async count(scope: FeedScope, after: FeedPosition | undefined): Promise<number> {
    const { where, params } = this.where(scope, after);
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM ticket_changes c
         JOIN tickets t ON t.connector_id = c.connector_id AND t.external_id = c.ticket_external_id AND t.tenant_id = c.tenant_id
        WHERE ${where} AND c.xact_id < ${HORIZON}`,
      params,
    );
    return row.n;
  }

  /**
   * Where the scope stands, for its shared poll (one statement, so one snapshot): the last position a
   * page can return now (null: none), and whether committed changes wait behind the horizon.
   */
  async probe(scope: FeedScope): Promise<{ tip: FeedPosition | null; pending: boolean }> {
    const { where, params } = this.where(scope, undefined);
    const [row] = await this.dataSource.query(
      `SELECT tip.xact_id::text AS xact_id, tip.seq::text AS seq,
              EXISTS (SELECT 1 FROM ticket_changes c WHERE ${where} AND c.xact_id >= ${HORIZON}) AS pending
         FROM (SELECT 1) one
         LEFT JOIN LATERAL (
           SELECT c.xact_id, c.seq FROM ticket_changes c
             JOIN tickets t ON t.connector_id = c.connector_id AND t.external_id = c.ticket_external_id AND t.tenant_id = c.tenant_id
            WHERE ${where} AND c.xact_id < ${HORIZON}
            ORDER BY c.xact_id DESC, c.seq DESC
            LIMIT 1) tip ON true`,
      params,
    );
    return { tip: row.xact_id === null ? null : { xactId: row.xact_id, seq: row.seq }, pending: row.pending };
  }

  /**
   * All tenants: committed changes no reader sees yet because an older transaction still runs, and how
   * long the oldest of them has waited (since its writing transaction began). Tenants come from the small
   * `connectors` table so that each lookup is a range of the (tenant_id, xact_id, seq) index.
   */
  async waitingBehindHorizon(): Promise<{ waiting: number; oldestSeconds: number }> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS waiting, coalesce(extract(epoch FROM clock_timestamp() - min(c.changed_at)), 0)::float8 AS oldest
       FROM (SELECT DISTINCT tenant_id FROM connectors) k
       CROSS JOIN LATERAL (SELECT c.changed_at FROM ticket_changes c WHERE c.tenant_id = k.tenant_id AND c.xact_id >= ${HORIZON}) c`,
    );
    return { waiting: row.waiting, oldestSeconds: Math.max(0, row.oldest) };
  }

  /** "Now": before every change a reader could not see yet, after every change it could. */
  async horizon(): Promise<FeedPosition> {
    const [row] = await this.dataSource.query(`SELECT ${HORIZON}::text AS xact_id`);
    return { xactId: row.xact_id, seq: '0' };
  }

  private where(scope: FeedScope, after: FeedPosition | undefined): { where: string; params: unknown[] } {
    const params: unknown[] = [scope.tenantId];
    const clauses = ['c.tenant_id = $1'];
    if (scope.connectorId) clauses.push(`c.connector_id = $${params.push(scope.connectorId)}::uuid`);
    if (after) clauses.push(`(c.xact_id, c.seq) > ($${params.push(after.xactId)}::xid8, $${params.push(after.seq)}::bigint)`);
    return { where: clauses.join(' AND '), params };
  }
}
