import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import type { TicketRow } from '../model/ticket.table';
import { TICKET_COLUMNS } from '../repositories/ticket.repository';
import { FeedPosition, stampShows } from './ticket-change-cursor';

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

/** A position of the log, before its ticket is read. */
interface PositionRow {
  connector_id: string;
  ticket_external_id: string;
  xact_id: string;
  seq: string;
  changed_at: Date;
  /** The ticket was stored when this change was recorded, recently: a reader that does not find it waits for it. */
  await_ticket?: boolean;
}

/**
 * How long a page waits for a ticket that was stored when its change was recorded but that its node does not
 * show yet (on Citus, between the coordinator's commit and the worker's): the moment is milliseconds, or up to
 * Citus' recovery of a prepared transaction after a crash (citus.recover_2pc_interval, 60 s). After it, such a
 * position is skipped as one whose ticket is not stored, so nothing can hold the feed for longer.
 */
const FEED_UNSEEN_TICKET_WAIT_SECONDS = 120;

/** Newest positions the probe looks at for one whose ticket is stored. */
const PROBE_TAIL = 50;

/** Positions counted per read of tickets (bounds the arrays one count statement carries). */
const COUNT_BATCH = 10_000;

/** NOTIFY channel of the feed: sent inside the writing transaction, so delivered only at its commit. */
export const TICKET_CHANGES_CHANNEL = 'cxconnect_ticket_changes';

/**
 * The horizon: every transaction with a smaller id has finished (committed or rolled back), so no
 * change can ever appear below it. Taken from the statement's own snapshot, in an InitPlan (once).
 */
const HORIZON = `(SELECT pg_snapshot_xmin(pg_current_snapshot()))`;

/**
 * The only SQL of the change feed (table `ticket_changes`). On Citus the table stays on the coordinator
 * (docs/scale-out.md, "The change feed on Citus"): written in the same transaction as the tickets it
 * names, its xact_id is the coordinator's transaction id and the horizon the coordinator's snapshot, so
 * the rule below holds as on one PostgreSQL.
 */
@Injectable()
export class TicketChangeRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Moves these tickets to the end of the feed, inside the caller's transaction `m`: the rows
   * commit or roll back with the write that changed the tickets. Ids are sorted so that two
   * transactions touching the same tickets lock their rows in the same order (no deadlock).
   * Each ticket row is stamped with its position (tickets.feed_xact_id, feed_seq) before the log rows are
   * locked: a reader on Citus tells from the stamp whether the ticket it read is the state at that
   * position (see `page`).
   */
  async record(
    m: EntityManager,
    scope: { tenantId: string; connectorId: string },
    ticketExternalIds: readonly string[],
  ): Promise<RecordedChange[]> {
    const ids = [...new Set(ticketExternalIds)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
    if (!ids.length) return [];
    // This transaction's id on the coordinator (where the statement runs: it reads no distributed table).
    const given: { xact_id: string; seq: string }[] = await m.query(
      `SELECT pg_current_xact_id()::text AS xact_id, nextval('ticket_changes_seq')::text AS seq
         FROM unnest($1::bigint[]) WITH ORDINALITY AS k(id, ord) ORDER BY k.ord`,
      [ids],
    );
    const params = [scope.connectorId, scope.tenantId, ids, given.map((g) => g.xact_id), given.map((g) => g.seq)];
    // A ticket this transaction inserted already carries its stamp (this transaction, no seq: see
    // TicketWriteRepository.upsertTickets): stamping it again would write the row a second time. The
    // SELECT (same snapshot, before the UPDATE) says which tickets are stored, stamped now or not.
    const stamped = await queryRows<{ id: string }>(
      m,
      `WITH stamp AS (
         UPDATE tickets t SET feed_xact_id = p.xact_id::xid8, feed_seq = p.seq
           FROM unnest($3::bigint[], $4::text[], $5::bigint[]) AS p(id, xact_id, seq)
          WHERE t.tenant_id = $2 AND t.connector_id = $1 AND t.external_id = p.id
            -- the ids again as an index condition: joined to unnest() alone, the planner hashed every
            -- ticket of the connector for each batch (feed-stamp-plan.int-spec.ts)
            AND t.external_id = ANY($3::bigint[])
            AND (t.feed_xact_id, t.feed_seq) IS DISTINCT FROM (p.xact_id::xid8, NULL::bigint))
       SELECT t.external_id::text AS id FROM tickets t
        WHERE t.tenant_id = $2 AND t.connector_id = $1 AND t.external_id = ANY($3::bigint[])`,
      params,
    );
    // Whether each ticket is stored as of this change (its row exists in this transaction): see `page`.
    const stored = new Set(stamped.map((s) => s.id));
    // The log rows and the NOTIFY in one statement (one round trip): it reads only the coordinator-local log, so
    // on Citus the coordinator runs it itself and the NOTIFY is sent where every instance listens. `notified`
    // is one row and the outer side of the join, so pg_notify runs once whatever the INSERT returns.
    const rows: { ticket_external_id: string | null; xact_id: string; seq: string }[] = await m.query(
      `WITH logged AS (
         INSERT INTO ticket_changes (connector_id, ticket_external_id, tenant_id, xact_id, seq, ticket_stored)
         SELECT $1, p.id, $2, p.xact_id::xid8, p.seq, p.stored
           FROM unnest($3::bigint[], $4::text[], $5::bigint[], $6::boolean[]) WITH ORDINALITY AS p(id, xact_id, seq, stored, ord) ORDER BY p.ord
         ON CONFLICT (connector_id, ticket_external_id) DO UPDATE
           SET xact_id = EXCLUDED.xact_id, seq = EXCLUDED.seq, ticket_stored = EXCLUDED.ticket_stored, changed_at = now()
         RETURNING ticket_external_id, xact_id, seq),
       notified AS (SELECT pg_notify($7, $8))
       SELECT l.ticket_external_id::text AS ticket_external_id, l.xact_id::text AS xact_id, l.seq::text AS seq
         FROM notified LEFT JOIN logged l ON true`,
      [...params, ids.map((id) => stored.has(id)), TICKET_CHANGES_CHANNEL, JSON.stringify({ t: scope.tenantId, c: scope.connectorId })],
    );
    return rows
      .filter((r) => r.ticket_external_id !== null)
      .map((r) => ({ ticketExternalId: r.ticket_external_id as string, position: { xactId: r.xact_id, seq: r.seq } }));
  }

  /**
   * Up to `limit` tickets after `after`, in feed order, each with its current state. Only
   * positions below the horizon: a position a reader has passed can never be filled in later.
   * Feed rows of tickets not stored yet (messages synced before their ticket) wait for the ticket. A ticket
   * that was stored when its change was recorded (ticket_changes.ticket_stored) but is not found is not shown
   * by its node yet (on Citus: a first-ever ticket, between the coordinator's commit and the worker's): the
   * page ends before it, as for an earlier stamp below, for at most FEED_UNSEEN_TICKET_WAIT_SECONDS.
   * Two reads, positions then tickets: on Citus the positions are coordinator-local (the horizon is the
   * coordinator's) and the tickets on the tenant's node; one horizon, taken first, bounds every batch.
   * The worker's snapshot is not the coordinator's, so each ticket's stamp says which change it shows:
   * - the position itself (or no stamp: a row written without the feed): delivered;
   * - a later one: a change committed since moved the ticket on; it is delivered at that position, which
   *   lies above this horizon (a transaction below it had finished before the positions were read);
   * - an earlier one: the tenant's node does not show this change yet (Citus commits on the coordinator
   *   first, then on the workers): the page ends before it, and the next read starts there.
   */
  async page(scope: FeedScope, after: FeedPosition | undefined, limit: number): Promise<FeedEntry[]> {
    const horizon = await this.horizon();
    const entries: FeedEntry[] = [];
    let from = after;
    while (entries.length < limit) {
      const wanted = limit - entries.length;
      const positions = await this.positions(scope, from, horizon, wanted);
      if (!positions.length) break;
      const tickets = await this.ticketsOf(scope.tenantId, positions);
      for (const p of positions) {
        const row = tickets.get(`${p.connector_id}/${p.ticket_external_id}`);
        if (!row) {
          if (p.await_ticket) return entries;
          continue;
        }
        const position = { xactId: p.xact_id, seq: p.seq };
        const shows = stampShows(row, position);
        if (shows < 0) return entries;
        if (shows === 0) entries.push({ position, changedAt: p.changed_at, row });
      }
      if (positions.length < wanted) break;
      from = { xactId: positions[positions.length - 1].xact_id, seq: positions[positions.length - 1].seq };
    }
    return entries;
  }

  /** How many tickets a read from `after` would return, whatever the page size. */
  async count(scope: FeedScope, after: FeedPosition | undefined): Promise<number> {
    const horizon = await this.horizon();
    let n = 0;
    for (let from = after; ;) {
      const positions = await this.positions(scope, from, horizon, COUNT_BATCH);
      if (!positions.length) return n;
      const [row] = await this.dataSource.query(
        `SELECT count(*)::int AS n FROM tickets t
          WHERE t.tenant_id = $1 AND (t.connector_id, t.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
        [scope.tenantId, positions.map((p) => p.connector_id), positions.map((p) => p.ticket_external_id)],
      );
      n += row.n;
      if (positions.length < COUNT_BATCH) return n;
      from = { xactId: positions[positions.length - 1].xact_id, seq: positions[positions.length - 1].seq };
    }
  }

  /** Positions after `after` and below `horizon`, in feed order (the position log alone). */
  private positions(scope: FeedScope, after: FeedPosition | undefined, horizon: FeedPosition, limit: number): Promise<PositionRow[]> {
    const { where, params } = this.where(scope, after);
    return this.dataSource.query(
      `SELECT c.connector_id, c.ticket_external_id::text AS ticket_external_id, c.xact_id::text AS xact_id, c.seq::text AS seq,
              c.changed_at, c.ticket_stored AND c.changed_at > now() - make_interval(secs => ${FEED_UNSEEN_TICKET_WAIT_SECONDS}) AS await_ticket
         FROM ticket_changes c
        WHERE ${where} AND c.xact_id < $${params.push(horizon.xactId)}::xid8
        ORDER BY c.xact_id, c.seq
        LIMIT $${params.push(limit)}`,
      params,
    );
  }

  /** The current state of these tickets, by "connector/external id" (one read on the tenant's node). */
  private async ticketsOf(tenantId: string, positions: PositionRow[]): Promise<Map<string, any>> {
    const rows: any[] = await this.dataSource.query(
      `SELECT ${TICKET_COLUMNS}, t.feed_xact_id::text AS feed_xact_id, t.feed_seq::text AS feed_seq FROM tickets t
        WHERE t.tenant_id = $1 AND (t.connector_id, t.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [tenantId, positions.map((p) => p.connector_id), positions.map((p) => p.ticket_external_id)],
    );
    return new Map(rows.map((r) => [`${r.connector_id}/${r.external_id}`, r]));
  }

  /**
   * Where the scope stands, for its shared poll: the last position a page can return now (null: none),
   * and whether committed changes wait behind the horizon. The positions and the horizon in one statement
   * (one snapshot, on the coordinator), then which of the newest positions have their ticket stored (one
   * read on the tenant's node). Among PROBE_TAIL positions without any ticket, the oldest is the tip: a
   * reader behind it reads a page (and finds what is there), which is all a tip is for.
   */
  async probe(scope: FeedScope): Promise<{ tip: FeedPosition | null; pending: boolean }> {
    const { where, params } = this.where(scope, undefined);
    const tail: (PositionRow & { pending: boolean })[] = await this.dataSource.query(
      `SELECT p.connector_id, p.ticket_external_id, p.xact_id, p.seq, p.changed_at, w.pending
         FROM (SELECT EXISTS (SELECT 1 FROM ticket_changes c WHERE ${where} AND c.xact_id >= ${HORIZON}) AS pending) w
         LEFT JOIN LATERAL (
           SELECT c.connector_id, c.ticket_external_id::text AS ticket_external_id, c.xact_id::text AS xact_id, c.seq::text AS seq,
                  c.changed_at
             FROM ticket_changes c
            WHERE ${where} AND c.xact_id < ${HORIZON}
            ORDER BY c.xact_id DESC, c.seq DESC
            LIMIT ${PROBE_TAIL}) p ON true`,
      params,
    );
    const pending = tail[0]?.pending === true;
    const positions = tail.filter((p) => p.xact_id !== null);
    if (!positions.length) return { tip: null, pending };
    const stored = await this.ticketsOf(scope.tenantId, positions);
    const tip = positions.find((p) => stored.has(`${p.connector_id}/${p.ticket_external_id}`)) ?? positions[positions.length - 1];
    return { tip: { xactId: tip.xact_id, seq: tip.seq }, pending };
  }

  /**
   * All tenants: committed changes no reader sees yet because an older transaction still runs, and how
   * long the oldest of them has waited (since its writing transaction began). Tenants come from the small
   * `connectors` table so that each lookup is a range of the (tenant_id, xact_id, seq) index.
   */
  async waitingBehindHorizon(): Promise<{ waiting: number; oldestSeconds: number }> {
    // Tenants read first: connectors are distributed on Citus, the position log is coordinator-local.
    const tenants: { tenant_id: string }[] = await this.dataSource.query(`SELECT DISTINCT tenant_id FROM connectors`);
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS waiting, coalesce(extract(epoch FROM clock_timestamp() - min(c.changed_at)), 0)::float8 AS oldest
       FROM unnest($1::text[]) AS k(tenant_id)
       CROSS JOIN LATERAL (SELECT c.changed_at FROM ticket_changes c WHERE c.tenant_id = k.tenant_id AND c.xact_id >= ${HORIZON}) c`,
      [tenants.map((t) => t.tenant_id)],
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
