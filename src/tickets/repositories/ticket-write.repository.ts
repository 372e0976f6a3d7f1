import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { recordColumns, shownWriteColumns, writeColumns } from '../model/columns';
import { CUSTOMER_COLUMNS as CUSTOMER_TABLE, CustomerWriteRow } from '../model/customer.table';
import { MESSAGE_COLUMNS as MESSAGE_TABLE, MessageWriteRow } from '../model/message.table';
import { TICKET_COLUMNS as TICKET_TABLE, TicketWriteRow } from '../model/ticket.table';
import { differs, insertNew, pageJson, updateExisting, UpsertTable } from './upsert-statements';

export interface WriteScope {
  tenantId: string;
  connectorId: string;
}

/** What one write did: items written (as a run counts them) and the tickets whose API-visible state changed. */
export interface WriteResult {
  /**
   * Rows this write inserted or changed as the API shows them. A record read again unchanged (the
   * incremental overlap window, a FULL re-read) is not counted: a run's "synced" figures are these.
   */
  written: number;
  /** Ticket ids (bigint as decimal string) whose API-visible state changed. */
  changedTicketIds: string[];
}

/** The columns the upsert writes (besides the key), from the column table. */
const TICKET_COLUMNS = writeColumns(TICKET_TABLE);
/** What the API shows of a ticket row (a change to any of these is a change for the feed); the upsert also clears deleted_at. */
const TICKET_SHOWN = [...shownWriteColumns(TICKET_TABLE), 'deleted_at'];
/**
 * The ticket record carries what its stored messages say (read just before): the first message's text,
 * for the description, and the first public agent reply's time (issue 24).
 */
const TICKETS: UpsertTable = {
  table: 'tickets',
  record: [...recordColumns(TICKET_TABLE), 'first_message_text text', 'first_reply_at timestamptz'],
  columns: [...TICKET_COLUMNS, 'description', 'first_agent_reply_at', 'feed_xact_id'],
};
const TICKET_UPDATABLE = TICKET_COLUMNS.filter((c) => c !== 'created_at');
// Fields move only forward in time: an older copy of a ticket (a replay) never overwrites a newer one.
const NEWER = `x.updated_at >= t.updated_at`;

const MESSAGE_COLUMNS = writeColumns(MESSAGE_TABLE);
/** What the API shows of a message row (stripped_text feeds the ticket's description). */
const MESSAGE_SHOWN = shownWriteColumns(MESSAGE_TABLE);
const MESSAGES: UpsertTable = { table: 'messages', record: recordColumns(MESSAGE_TABLE), columns: MESSAGE_COLUMNS };

const CUSTOMER_COLUMNS = writeColumns(CUSTOMER_TABLE);
/** What the API shows of a customers row (name and email). */
const CUSTOMER_SHOWN = shownWriteColumns(CUSTOMER_TABLE);
const CUSTOMERS: UpsertTable = { table: 'customers', record: recordColumns(CUSTOMER_TABLE), columns: CUSTOMER_COLUMNS };
/** A newer copy that differs in these is written (its source_version alone is no change). */
const CUSTOMER_STORED = CUSTOMER_COLUMNS.filter((c) => c !== 'source_version');
/** An older copy (a replay, a run that lost its lease) never overwrites a newer one. */
const NOT_OLDER = `(t.source_version IS NULL OR x.source_version >= t.source_version)`;

/** The page's rows the INSERT did not store (they were stored before): the UPDATE's rows. */
const notIn = <R extends { external_id: number }>(rows: R[], inserted: { external_id: string }[]) => {
  const done = new Set(inserted.map((r) => r.external_id));
  return rows.filter((r) => !done.has(String(r.external_id)));
};

/**
 * Writes what a sync reads, in bulk and idempotently, keyed by the provider's id per connector, so a
 * page replayed after a crash changes nothing. Per table a page is one INSERT of the rows not stored
 * yet and, only when some were, one UPDATE of those that differ (upsert-statements.ts): each says with
 * RETURNING, inside the caller's transaction, which tickets changed as the API shows them. A ticket
 * row never goes back to an older version; a row is only rewritten when something stored differs.
 * Every statement is scoped to the tenant and connector (so Citus routes it to the tenant's node).
 */
@Injectable()
export class TicketWriteRepository {
  /**
   * Upserts a page of tickets (their customers first). `seenSince`: a FULL run's start; a row not
   * stamped (`synced_at`) since then is stamped even when unchanged, as the sweep relies on it.
   */
  async upsertTickets(
    m: EntityManager,
    scope: WriteScope,
    page: { tickets: TicketWriteRow[]; customers: CustomerWriteRow[] },
    seenSince: Date | null = null,
  ): Promise<WriteResult> {
    if (!page.tickets.length) return { written: 0, changedTicketIds: [] };
    const customerChanged = await this.upsertCustomers(m, scope, page.customers);
    // The description is the first message's text (and first_agent_reply_at the first public agent
    // reply's time): an initial sync stores the messages before their tickets, so they are read here and
    // written with the row (once, not rewritten by a refresh).
    const first = await this.firstMessages(
      m,
      scope,
      page.tickets.map((t) => String(t.external_id)),
    );
    const rows = page.tickets.map((t) => {
      const f = first.get(String(t.external_id));
      return { ...t, first_message_text: f?.text ?? null, first_reply_at: f?.replyAt ?? null };
    });
    // A new ticket is a change for the feed, which stamps each changed ticket with its position in this
    // transaction (TicketChangeRepository.record): the insert stamps it already (this transaction, its
    // seq to come), so that the row is written once. The id is the coordinator's on Citus (no table read).
    const [{ xact }] = await queryRows<{ xact: string }>(m, `SELECT pg_current_xact_id()::text AS xact`);
    const inserted = await queryRows<{ external_id: string }>(
      m,
      insertNew(TICKETS, 'external_id::text AS external_id', {
        description: 'coalesce(x.first_message_text, x.excerpt)',
        first_agent_reply_at: 'x.first_reply_at',
        feed_xact_id: '$4::xid8',
      }),
      [scope.tenantId, scope.connectorId, pageJson(rows), xact],
    );
    const stored = notIn(rows, inserted);
    const updated = stored.length
      ? await queryRows<{ external_id: string; shown_changed: boolean }>(
          m,
          updateExisting(
            TICKETS,
            [
              ...TICKET_UPDATABLE.map((c) => `${c} = CASE WHEN ${NEWER} THEN x.${c} ELSE t.${c} END`),
              `description = coalesce(x.first_message_text, CASE WHEN ${NEWER} THEN x.excerpt ELSE t.excerpt END)`,
              // Messages stored: their first agent reply (or none); no message stored: unchanged.
              'first_agent_reply_at = CASE WHEN x.first_message_text IS NULL THEN t.first_agent_reply_at ELSE x.first_reply_at END',
              'deleted_at = NULL',
            ],
            `t.deleted_at IS NOT NULL OR t.synced_at < $4::timestamptz OR (${NEWER} AND ${differs('t', 'x', TICKET_UPDATABLE)})`,
            `t.external_id::text AS external_id, ${differs('o', 't', TICKET_SHOWN)} AS shown_changed`,
          ),
          [scope.tenantId, scope.connectorId, pageJson(stored), seenSince],
        )
      : [];
    // Counted: ticket rows of this page inserted or changed (not those only stamped for the sweep).
    const changed = [...inserted, ...updated.filter((r) => r.shown_changed)].map((r) => r.external_id);
    return { written: changed.length, changedTicketIds: [...new Set([...customerChanged, ...changed])] };
  }

  /**
   * Upserts a page of messages; a message moved to another ticket changes both tickets. `json`: the
   * rows as a jsonb parameter (`jsonbParam`), when the caller serialised them already.
   */
  async upsertMessages(m: EntityManager, scope: WriteScope, messages: MessageWriteRow[], json?: Buffer): Promise<WriteResult> {
    if (!messages.length) return { written: 0, changedTicketIds: [] };
    const inserted = await queryRows<{ external_id: string; now_in: string }>(
      m,
      insertNew(MESSAGES, 'external_id::text AS external_id, ticket_external_id::text AS now_in'),
      [scope.tenantId, scope.connectorId, json ?? pageJson(messages)],
    );
    const stored = notIn(messages, inserted);
    const updated = stored.length
      ? await queryRows<{ external_id: string; now_in: string; was_in: string; shown_changed: boolean }>(
          m,
          updateExisting(
            MESSAGES,
            MESSAGE_COLUMNS.map((c) => `${c} = x.${c}`),
            `${NOT_OLDER} AND ${differs('t', 'x', MESSAGE_COLUMNS)}`,
            `t.external_id::text AS external_id, t.ticket_external_id::text AS now_in, o.ticket_external_id::text AS was_in,
             ${differs('o', 't', MESSAGE_SHOWN)} AS shown_changed`,
          ),
          [scope.tenantId, scope.connectorId, pageJson(stored)],
        )
      : [];
    const changed = [...inserted, ...updated.filter((r) => r.shown_changed)];
    const tickets = new Set(changed.map((r) => r.now_in));
    for (const r of updated) if (r.shown_changed && r.was_in !== r.now_in) tickets.add(r.was_in);
    // Only the tickets whose messages changed, and only those stored: in an initial sync none are yet.
    if (tickets.size) await this.refreshDescriptions(m, scope, [...tickets]);
    return { written: changed.length, changedTicketIds: [...tickets] };
  }

  /** Soft-deletes; `written` counts those live until now (they are the changed ones). */
  async markTicketsDeleted(m: EntityManager, scope: WriteScope, externalIds: (string | number)[], at: Date): Promise<WriteResult> {
    if (!externalIds.length) return { written: 0, changedTicketIds: [] };
    const ids = [...new Set(externalIds.map(String))];
    const rows = await queryRows<{ external_id: string }>(
      m,
      `UPDATE tickets SET deleted_at = $3
        WHERE connector_id = $1 AND tenant_id = $4 AND external_id = ANY($2::bigint[]) AND deleted_at IS NULL
      RETURNING external_id::text AS external_id`,
      [scope.connectorId, ids, at, scope.tenantId],
    );
    // A ticket deleted while the initial sync ran may have had its messages read but never itself:
    // with no ticket row to soft-delete, those messages are removed, as Gorgias removed them.
    await m.query(
      `DELETE FROM messages m WHERE m.connector_id = $1 AND m.tenant_id = $3 AND m.ticket_external_id = ANY($2::bigint[])
          AND NOT EXISTS (SELECT 1 FROM tickets t
                           WHERE t.tenant_id = m.tenant_id AND t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id)`,
      [scope.connectorId, ids, scope.tenantId],
    );
    return { written: rows.length, changedTicketIds: rows.map((r) => r.external_id) };
  }

  /** FULL runs: live tickets the run did not see since `since` no longer exist in Gorgias. */
  async markTicketsNotSeenSinceDeleted(m: EntityManager, scope: WriteScope, since: Date): Promise<WriteResult> {
    // After a complete walk every live ticket has a row: messages of tickets that have none are orphans of a deletion.
    await m.query(
      `DELETE FROM messages m WHERE m.connector_id = $1 AND m.tenant_id = $2
          AND NOT EXISTS (SELECT 1 FROM tickets t
                           WHERE t.tenant_id = m.tenant_id AND t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id)`,
      [scope.connectorId, scope.tenantId],
    );
    const rows = await queryRows<{ external_id: string }>(
      m,
      `UPDATE tickets SET deleted_at = now() WHERE connector_id = $1 AND tenant_id = $3 AND deleted_at IS NULL AND synced_at < $2
      RETURNING external_id::text AS external_id`,
      [scope.connectorId, since, scope.tenantId],
    );
    return { written: rows.length, changedTicketIds: rows.map((r) => r.external_id) };
  }

  /**
   * After a ticket's messages were re-read in full: its stored messages that Gorgias no longer lists
   * were deleted there. Soft-deleted here (kept, hidden); `written` says how many.
   */
  async markUnlistedMessagesDeleted(
    m: EntityManager,
    scope: WriteScope,
    ticketExternalId: string,
    listedIds: number[],
  ): Promise<WriteResult> {
    return this.markUnlistedMessagesDeletedMany(m, scope, [{ ticketExternalId, listedIds }]);
  }

  /**
   * The same for several tickets in one statement: each ticket's stored messages that its own list
   * leaves out (a message another of them lists, but still stored in this one, is deleted here too,
   * as it would be one ticket at a time).
   */
  async markUnlistedMessagesDeletedMany(
    m: EntityManager,
    scope: WriteScope,
    tickets: { ticketExternalId: string; listedIds: number[] }[],
  ): Promise<WriteResult> {
    if (!tickets.length) return { written: 0, changedTicketIds: [] };
    const listed = tickets.flatMap((t) => t.listedIds.map((id) => [t.ticketExternalId, String(id)]));
    const rows = await queryRows<{ ticket: string }>(
      m,
      `UPDATE messages m SET deleted_at = now()
        WHERE m.connector_id = $1 AND m.tenant_id = $5 AND m.ticket_external_id = ANY($2::bigint[]) AND m.deleted_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM unnest($3::bigint[], $4::bigint[]) AS l(ticket, message)
                           WHERE l.ticket = m.ticket_external_id AND l.message = m.external_id)
      RETURNING m.ticket_external_id::text AS ticket`,
      [scope.connectorId, tickets.map((t) => t.ticketExternalId), listed.map((l) => l[0]), listed.map((l) => l[1]), scope.tenantId],
    );
    const changed = [...new Set(rows.map((r) => r.ticket))];
    if (changed.length) await this.refreshDescriptions(m, scope, changed);
    return { written: rows.length, changedTicketIds: changed };
  }

  /**
   * For those of these tickets with a stored (not deleted) message: the first one's text, and the time of
   * the first public one from an agent (null when none; as text, so that its microseconds survive the JSON).
   */
  private async firstMessages(
    m: EntityManager,
    scope: WriteScope,
    ticketExternalIds: string[],
  ): Promise<Map<string, { text: string; replyAt: string | null }>> {
    const rows = await queryRows<{ id: string; text: string; reply_at: string | null }>(
      m,
      `SELECT k.id::text AS id, f.text, r.reply_at FROM unnest($3::bigint[]) AS k(id)
       CROSS JOIN LATERAL (SELECT coalesce(body_text, stripped_text) AS text FROM messages
                            WHERE tenant_id = $1 AND connector_id = $2 AND ticket_external_id = k.id AND deleted_at IS NULL
                            ORDER BY created_at, external_id LIMIT 1) f
       CROSS JOIN LATERAL (SELECT min(created_at)::text AS reply_at FROM messages
                            WHERE tenant_id = $1 AND connector_id = $2 AND ticket_external_id = k.id AND deleted_at IS NULL
                              AND from_agent AND public) r
        WHERE f.text IS NOT NULL`,
      [scope.tenantId, scope.connectorId, ticketExternalIds],
    );
    return new Map(rows.map((r) => [r.id, { text: r.text, replyAt: r.reply_at }]));
  }

  /**
   * A ticket's description is its first (not deleted) message, and its first_agent_reply_at the time of
   * its first public (not deleted) message from an agent (issue 24): refresh both for these tickets.
   */
  private async refreshDescriptions(m: EntityManager, scope: WriteScope, ticketExternalIds: string[]): Promise<void> {
    await m.query(
      `UPDATE tickets t SET description = coalesce(first.text, t.excerpt), first_agent_reply_at = first.reply_at
         FROM (SELECT k.id AS ticket_external_id,
                      (SELECT coalesce(body_text, stripped_text) FROM messages
                        WHERE tenant_id = $3 AND connector_id = $1 AND ticket_external_id = k.id AND deleted_at IS NULL
                        ORDER BY created_at, external_id LIMIT 1) AS text,
                      (SELECT min(created_at) FROM messages
                        WHERE tenant_id = $3 AND connector_id = $1 AND ticket_external_id = k.id AND deleted_at IS NULL
                          AND from_agent AND public) AS reply_at
                 FROM unnest($2::bigint[]) AS k(id)) first
        WHERE t.connector_id = $1 AND t.tenant_id = $3 AND t.external_id = first.ticket_external_id
          AND (t.description, t.first_agent_reply_at) IS DISTINCT FROM (coalesce(first.text, t.excerpt), first.reply_at)`,
      [scope.connectorId, ticketExternalIds, scope.tenantId],
    );
  }

  /**
   * Upserts customers; returns the stored tickets whose customer, as the API shows it (name and
   * email, read from this table), changed: they changed for the feed even when not in this page.
   */
  private async upsertCustomers(m: EntityManager, scope: WriteScope, customers: CustomerWriteRow[]): Promise<string[]> {
    if (!customers.length) return [];
    const inserted = await queryRows<{ external_id: string }>(m, insertNew(CUSTOMERS, 'external_id::text AS external_id'), [
      scope.tenantId,
      scope.connectorId,
      pageJson(customers),
    ]);
    const stored = notIn(customers, inserted);
    const updated = stored.length
      ? await queryRows<{ external_id: string; shown_changed: boolean }>(
          m,
          updateExisting(
            CUSTOMERS,
            CUSTOMER_COLUMNS.map((c) => `${c} = x.${c}`),
            `${NOT_OLDER} AND ${differs('t', 'x', CUSTOMER_STORED)}`,
            `t.external_id::text AS external_id, ${differs('o', 't', CUSTOMER_SHOWN)} AS shown_changed`,
          ),
          [scope.tenantId, scope.connectorId, pageJson(stored)],
        )
      : [];
    const changed = [...inserted, ...updated.filter((r) => r.shown_changed)];
    if (!changed.length) return [];
    const tickets = await queryRows<{ external_id: string }>(
      m,
      `SELECT external_id::text AS external_id FROM tickets
        WHERE connector_id = $1 AND tenant_id = $2 AND customer_external_id = ANY($3::bigint[])`,
      [scope.connectorId, scope.tenantId, changed.map((c) => c.external_id)],
    );
    return tickets.map((t) => t.external_id);
  }
}
