import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { recordColumns, shownWriteColumns, writeColumns } from '../model/columns';
import { CUSTOMER_COLUMNS as CUSTOMER_TABLE, CustomerWriteRow } from '../model/customer.table';
import { MESSAGE_COLUMNS as MESSAGE_TABLE, MessageWriteRow } from '../model/message.table';
import { TICKET_COLUMNS as TICKET_TABLE, TicketWriteRow } from '../model/ticket.table';

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

/** PostgreSQL text and jsonb refuse NUL characters; Gorgias bodies pasted from elsewhere may hold them. */
function toJson(rows: unknown[]): string {
  return JSON.stringify(rows, (_k, v) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v));
}

/** The columns the upsert writes (besides the key), from the column table. */
const TICKET_COLUMNS = writeColumns(TICKET_TABLE);
/** What the API shows of a ticket row (a change to any of these is a change for the feed); the upsert also clears deleted_at. */
const TICKET_SHOWN = [...shownWriteColumns(TICKET_TABLE), 'deleted_at'];
const TICKET_RECORD = recordColumns(TICKET_TABLE).join(', ');

const MESSAGE_COLUMNS = writeColumns(MESSAGE_TABLE);
/** What the API shows of a message row (stripped_text feeds the ticket's description). */
const MESSAGE_SHOWN = shownWriteColumns(MESSAGE_TABLE);
const MESSAGE_RECORD = recordColumns(MESSAGE_TABLE).join(', ');

const CUSTOMER_COLUMNS = writeColumns(CUSTOMER_TABLE);
/** What the API shows of a customers row (name and email). */
const CUSTOMER_SHOWN = shownWriteColumns(CUSTOMER_TABLE);
const CUSTOMER_RECORD = recordColumns(CUSTOMER_TABLE).join(', ');
/** A newer copy that differs in these is written (its source_version alone is no change). */
const CUSTOMER_STORED = CUSTOMER_COLUMNS.filter((c) => c !== 'source_version');

/** The shown columns as one comparable value (`alias.` prefixes them when given). */
const shown = (columns: string[], alias = '') => `jsonb_build_array(${columns.map((c) => alias + c).join(', ')})`;

const differs = (table: string, columns: string[]) =>
  `(${columns.map((c) => `${table}.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `EXCLUDED.${c}`).join(', ')})`;

/**
 * Writes what a sync reads, in bulk and idempotently: one `INSERT ... ON CONFLICT` per page, keyed
 * by the provider's id per connector, so a page replayed after a crash changes nothing. A ticket row
 * never goes back to an older version. A row is only rewritten when something stored differs, and
 * every write says (with RETURNING, inside the caller's transaction) which tickets changed as the
 * API shows them. Every statement is scoped to the tenant and connector (so Citus routes it to the
 * tenant's node). `DO UPDATE SET` takes times from EXCLUDED (the inserted row's now()): Citus accepts
 * only immutable functions there.
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
    const updatable = TICKET_COLUMNS.filter((c) => c !== 'created_at');
    // Fields move only forward in time: an older copy of a ticket (a replay) never overwrites a newer one.
    const newer = `EXCLUDED.updated_at >= tickets.updated_at`;
    const assignments = updatable.map((c) => `${c} = CASE WHEN ${newer} THEN EXCLUDED.${c} ELSE tickets.${c} END`).join(',\n        ');
    const before = await this.before(m, scope, 'tickets', TICKET_SHOWN, page.tickets);
    const rows = await queryRows<{ external_id: string }>(
      m,
      `WITH x AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(${TICKET_RECORD})),
       before AS (SELECT * FROM unnest($5::bigint[], $6::jsonb[]) AS b(external_id, shown)),
       written AS (
         INSERT INTO tickets (tenant_id, connector_id, external_id, ${TICKET_COLUMNS.join(', ')}, synced_at)
         SELECT $1, $2, x.external_id, ${TICKET_COLUMNS.map((c) => `x.${c}`).join(', ')}, now() FROM x
         ON CONFLICT (tenant_id, connector_id, external_id) DO UPDATE SET
          ${assignments},
          deleted_at = NULL,
          synced_at = EXCLUDED.synced_at
         WHERE tickets.deleted_at IS NOT NULL OR tickets.synced_at < $4::timestamptz
            OR (${newer} AND ${differs('tickets', updatable)})
         RETURNING external_id, ${shown(TICKET_SHOWN)} AS shown)
       SELECT w.external_id::text AS external_id FROM written w LEFT JOIN before b ON b.external_id = w.external_id
        WHERE b.external_id IS NULL OR b.shown IS DISTINCT FROM w.shown`,
      [scope.tenantId, scope.connectorId, toJson(page.tickets), seenSince, ...before],
    );
    const ids = page.tickets.map((t) => String(t.external_id));
    // The description comes from the messages, which an initial sync stores before their tickets.
    await this.refreshDescriptions(m, scope, ids);
    // Counted: ticket rows of this page inserted or changed (not those only stamped for the sweep).
    return { written: rows.length, changedTicketIds: [...new Set([...customerChanged, ...rows.map((r) => r.external_id)])] };
  }

  /** Upserts a page of messages; a message moved to another ticket changes both tickets. */
  async upsertMessages(m: EntityManager, scope: WriteScope, messages: MessageWriteRow[]): Promise<WriteResult> {
    if (!messages.length) return { written: 0, changedTicketIds: [] };
    const before = await this.before(m, scope, 'messages', MESSAGE_SHOWN, messages, 'ticket_external_id');
    const rows = await queryRows<{ ticket_id: string; messages: number }>(
      m,
      `WITH x AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(${MESSAGE_RECORD})),
       before AS (SELECT * FROM unnest($4::bigint[], $5::jsonb[], $6::bigint[]) AS b(external_id, shown, ticket_external_id)),
       written AS (
         INSERT INTO messages (tenant_id, connector_id, external_id, ${MESSAGE_COLUMNS.join(', ')}, synced_at)
         SELECT $1, $2, x.external_id, ${MESSAGE_COLUMNS.map((c) => `x.${c}`).join(', ')}, now() FROM x
         ON CONFLICT (tenant_id, connector_id, external_id) DO UPDATE SET
          ${MESSAGE_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, synced_at = EXCLUDED.synced_at
         -- an older copy (a replay, a run that lost its lease) never overwrites a newer one
         WHERE (messages.source_version IS NULL OR EXCLUDED.source_version >= messages.source_version)
           AND ${differs('messages', MESSAGE_COLUMNS)}
         RETURNING external_id, ticket_external_id, ${shown(MESSAGE_SHOWN)} AS shown),
       changed AS (SELECT w.ticket_external_id AS now_in, b.ticket_external_id AS was_in FROM written w
                    LEFT JOIN before b ON b.external_id = w.external_id
                   WHERE b.external_id IS NULL OR b.shown IS DISTINCT FROM w.shown),
       touched AS (SELECT now_in AS id FROM changed UNION SELECT was_in FROM changed WHERE was_in IS NOT NULL)
       -- every row also says how many messages changed (no changed message: no row)
       SELECT id::text AS ticket_id, (SELECT count(*) FROM changed)::int AS messages FROM touched`,
      [scope.tenantId, scope.connectorId, toJson(messages), ...before],
    );
    await this.refreshDescriptions(m, scope, [...new Set(messages.map((msg) => String(msg.ticket_external_id)))]);
    return { written: rows[0]?.messages ?? 0, changedTicketIds: rows.map((r) => r.ticket_id) };
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
    const [, count] = await m.query(
      `UPDATE messages SET deleted_at = now()
        WHERE connector_id = $1 AND tenant_id = $4 AND ticket_external_id = $2 AND deleted_at IS NULL
          AND NOT (external_id = ANY($3::bigint[]))`,
      [scope.connectorId, ticketExternalId, listedIds.map(String), scope.tenantId],
    );
    const removed = Number(count) || 0;
    if (removed) await this.refreshDescriptions(m, scope, [ticketExternalId]);
    return { written: removed, changedTicketIds: removed ? [ticketExternalId] : [] };
  }

  /**
   * What the API showed of these rows before the write, as arrays for the upsert's `before`: external ids,
   * shown values (jsonb text) and, when asked, one more column. Read in a statement of its own: Citus runs a
   * data-modifying CTE before the other CTEs of its statement, so a `before` CTE beside it saw the new rows.
   */
  private async before(
    m: EntityManager,
    scope: WriteScope,
    table: 'tickets' | 'messages' | 'customers',
    columns: string[],
    rows: { external_id: number }[],
    extra?: string,
  ): Promise<unknown[][]> {
    const found = await queryRows<{ id: string; shown: string; extra: string | null }>(
      m,
      `SELECT external_id::text AS id, ${shown(columns)}::text AS shown, ${extra ?? 'NULL'}::text AS extra FROM ${table}
        WHERE tenant_id = $1 AND connector_id = $2 AND external_id = ANY($3::bigint[])`,
      [scope.tenantId, scope.connectorId, rows.map((r) => String(r.external_id))],
    );
    const out = [found.map((r) => r.id), found.map((r) => r.shown)];
    return extra ? [...out, found.map((r) => r.extra)] : out;
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
    const before = await this.before(m, scope, 'customers', CUSTOMER_SHOWN, customers);
    const changed = await queryRows<{ external_id: string }>(
      m,
      `WITH x AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS x(${CUSTOMER_RECORD})),
       before AS (SELECT * FROM unnest($4::bigint[], $5::jsonb[]) AS b(external_id, shown)),
       written AS (
         INSERT INTO customers (tenant_id, connector_id, external_id, ${CUSTOMER_COLUMNS.join(', ')}, synced_at)
         SELECT $1, $2, x.external_id, ${CUSTOMER_COLUMNS.map((c) => `x.${c}`).join(', ')}, now() FROM x
         ON CONFLICT (tenant_id, connector_id, external_id) DO UPDATE SET
           ${CUSTOMER_COLUMNS.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, synced_at = EXCLUDED.synced_at
         -- an older copy never overwrites a newer one
         WHERE (customers.source_version IS NULL OR EXCLUDED.source_version >= customers.source_version)
           AND ${differs('customers', CUSTOMER_STORED)}
         RETURNING external_id, ${shown(CUSTOMER_SHOWN)} AS shown)
       SELECT w.external_id::text AS external_id FROM written w LEFT JOIN before b ON b.external_id = w.external_id
        WHERE b.external_id IS NULL OR b.shown IS DISTINCT FROM w.shown`,
      [scope.tenantId, scope.connectorId, toJson(customers), ...before],
    );
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
