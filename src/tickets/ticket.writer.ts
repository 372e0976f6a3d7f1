import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { datetimeMs } from '../gorgias/gorgias-datetime';
import { GorgiasCustomerRef, GorgiasMessage, GorgiasTicket } from '../gorgias/gorgias.types';

export interface WriteScope {
  tenantId: string;
  connectorId: string;
}

export interface MessageCountMismatch {
  externalId: string;
  expected: number;
  stored: number;
}

/** PostgreSQL text and jsonb refuse NUL characters; Gorgias bodies pasted from elsewhere may hold them. */
function toJson(rows: unknown[]): string {
  return JSON.stringify(rows, (_k, v) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v));
}

/** Keeps one item per id, the most recently updated one. */
function latestById<T extends { id: number }>(items: T[], version: (item: T) => string | null | undefined): T[] {
  const byId = new Map<number, T>();
  for (const item of items) {
    const seen = byId.get(item.id);
    if (!seen || !(datetimeMs(version(item)) < datetimeMs(version(seen)))) byId.set(item.id, item);
  }
  return [...byId.values()];
}

const TICKET_COLUMNS = [
  'subject',
  'excerpt',
  'status',
  'priority',
  'channel',
  'via',
  'language',
  'customer_external_id',
  'customer_email',
  'customer_name',
  'tags',
  'messages_count',
  'spam',
  'created_at',
  'updated_at',
  'opened_at',
  'closed_at',
  'last_message_at',
  'trashed_at',
  'payload',
];

/**
 * Writes what a sync reads, in bulk and idempotently: one `INSERT ... ON CONFLICT` per page, keyed
 * by the Gorgias id per connector, so a page replayed after a crash changes nothing. A ticket row
 * never goes back to an older version, and every write stamps `synced_at` (a FULL run's sweep
 * marks what it did not stamp as vanished). Every statement is scoped to the run's tenant and connector.
 */
@Injectable()
export class TicketWriter {
  async upsertTickets(m: EntityManager, scope: WriteScope, tickets: GorgiasTicket[]): Promise<number> {
    const unique = latestById(tickets, (t) => t.updated_datetime);
    if (!unique.length) return 0;
    await this.upsertCustomers(
      m,
      scope,
      unique.map((t) => t.customer).filter((c): c is GorgiasCustomerRef => !!c && typeof c.id === 'number'),
    );
    const rows = unique.map((t) => ({
      external_id: t.id,
      subject: t.subject ?? null,
      excerpt: t.excerpt ?? null,
      status: t.status ?? 'open',
      priority: t.priority ?? null,
      channel: t.channel ?? null,
      via: t.via ?? null,
      language: t.language ?? null,
      customer_external_id: t.customer?.id ?? null,
      customer_email: t.customer?.email ?? null,
      customer_name: customerName(t.customer),
      tags: (t.tags ?? []).map((tag) => tag.name).filter((n) => typeof n === 'string'),
      messages_count: t.messages_count ?? 0,
      spam: !!t.spam,
      created_at: t.created_datetime,
      updated_at: t.updated_datetime ?? t.created_datetime,
      opened_at: t.opened_datetime ?? null,
      closed_at: t.closed_datetime ?? null,
      last_message_at: t.last_message_datetime ?? null,
      trashed_at: t.trashed_datetime ?? null,
      payload: t,
    }));
    // Fields move only forward in time: an older copy of a ticket (a replay) never overwrites a newer one.
    const newer = `EXCLUDED.updated_at >= tickets.updated_at`;
    const assignments = TICKET_COLUMNS.filter((c) => c !== 'created_at')
      .map((c) => `${c} = CASE WHEN ${newer} THEN EXCLUDED.${c} ELSE tickets.${c} END`)
      .join(',\n        ');
    await m.query(
      `INSERT INTO tickets (tenant_id, connector_id, external_id, ${TICKET_COLUMNS.join(', ')}, synced_at)
       SELECT $1, $2, x.external_id, ${TICKET_COLUMNS.map((c) => `x.${c}`).join(', ')}, now()
         FROM jsonb_to_recordset($3::jsonb) AS x(
              external_id bigint, subject text, excerpt text, status text, priority text, channel text, via text,
              language text, customer_external_id bigint, customer_email text, customer_name text, tags text[],
              messages_count int, spam boolean, created_at timestamptz, updated_at timestamptz, opened_at timestamptz,
              closed_at timestamptz, last_message_at timestamptz, trashed_at timestamptz, payload jsonb)
       ON CONFLICT (connector_id, external_id) DO UPDATE SET
        ${assignments},
        deleted_at = NULL,
        synced_at = now()`,
      [scope.tenantId, scope.connectorId, toJson(rows)],
    );
    // The description comes from the messages, which an initial sync stores before their tickets.
    await this.refreshDescriptions(m, scope, unique.map((t) => String(t.id)));
    return unique.length;
  }

  async upsertMessages(m: EntityManager, scope: WriteScope, messages: GorgiasMessage[]): Promise<number> {
    const unique = latestById(messages, (msg) => msg.deleted_datetime ?? msg.sent_datetime ?? msg.created_datetime);
    if (!unique.length) return 0;
    const rows = unique.map((msg) => ({
      external_id: msg.id,
      ticket_external_id: msg.ticket_id,
      channel: msg.channel ?? null,
      via: msg.via ?? null,
      from_agent: !!msg.from_agent,
      public: msg.public ?? true,
      sender_email: msg.sender?.email ?? null,
      sender_name: msg.sender?.name ?? null,
      receiver_email: msg.receiver?.email ?? null,
      receiver_name: msg.receiver?.name ?? null,
      subject: msg.subject ?? null,
      body_text: msg.body_text ?? null,
      body_html: msg.body_html ?? null,
      stripped_text: msg.stripped_text ?? null,
      attachments: Array.isArray(msg.attachments) ? msg.attachments : [],
      created_at: msg.created_datetime,
      sent_at: msg.sent_datetime ?? null,
      deleted_at: msg.deleted_datetime ?? null,
      payload: msg,
    }));
    const columns = Object.keys(rows[0]).filter((c) => c !== 'external_id');
    await m.query(
      `INSERT INTO messages (tenant_id, connector_id, external_id, ${columns.join(', ')}, synced_at)
       SELECT $1, $2, x.external_id, ${columns.map((c) => `x.${c}`).join(', ')}, now()
         FROM jsonb_to_recordset($3::jsonb) AS x(
              external_id bigint, ticket_external_id bigint, channel text, via text, from_agent boolean, public boolean,
              sender_email text, sender_name text, receiver_email text, receiver_name text, subject text, body_text text,
              body_html text, stripped_text text, attachments jsonb, created_at timestamptz, sent_at timestamptz,
              deleted_at timestamptz, payload jsonb)
       ON CONFLICT (connector_id, external_id) DO UPDATE SET
        ${columns.map((c) => `${c} = EXCLUDED.${c}`).join(', ')}, synced_at = now()`,
      [scope.tenantId, scope.connectorId, toJson(rows)],
    );
    await this.refreshDescriptions(m, scope, [...new Set(unique.map((msg) => String(msg.ticket_id)))]);
    return unique.length;
  }

  /** Soft-deletes; returns how many were live until now. */
  async markTicketsDeleted(m: EntityManager, scope: WriteScope, externalIds: (string | number)[], at: Date): Promise<number> {
    if (!externalIds.length) return 0;
    const ids = [...new Set(externalIds.map(String))];
    const [, count] = await m.query(
      `UPDATE tickets SET deleted_at = $3
        WHERE connector_id = $1 AND tenant_id = $4 AND external_id = ANY($2::bigint[]) AND deleted_at IS NULL`,
      [scope.connectorId, ids, at, scope.tenantId],
    );
    // A ticket deleted while the initial sync ran may have had its messages read but never itself:
    // with no ticket row to soft-delete, those messages are removed, as Gorgias removed them.
    await m.query(
      `DELETE FROM messages m WHERE m.connector_id = $1 AND m.tenant_id = $3 AND m.ticket_external_id = ANY($2::bigint[])
          AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id)`,
      [scope.connectorId, ids, scope.tenantId],
    );
    return Number(count) || 0;
  }

  /** FULL runs: live tickets the run did not see since `since` no longer exist in Gorgias. */
  async markTicketsNotSeenSinceDeleted(m: EntityManager, scope: WriteScope, since: Date): Promise<number> {
    // After a complete walk every live ticket has a row: messages of tickets that have none are orphans of a deletion.
    await m.query(
      `DELETE FROM messages m WHERE m.connector_id = $1 AND m.tenant_id = $2
          AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id)`,
      [scope.connectorId, scope.tenantId],
    );
    const [, count] = await m.query(
      `UPDATE tickets SET deleted_at = now() WHERE connector_id = $1 AND tenant_id = $3 AND deleted_at IS NULL AND synced_at < $2`,
      [scope.connectorId, since, scope.tenantId],
    );
    return Number(count) || 0;
  }

  /**
   * Live tickets whose stored messages differ from Gorgias' `messages_count`, unless they were
   * already re-read at that same count (a gap Gorgias itself keeps, e.g. deleted messages).
   */
  async findMessageCountMismatches(m: EntityManager, scope: WriteScope, limit: number): Promise<MessageCountMismatch[]> {
    if (limit <= 0) return [];
    const rows: { external_id: string; expected: number; stored: number }[] = await m.query(
      `SELECT t.external_id::text AS external_id, t.messages_count AS expected, coalesce(c.n, 0)::int AS stored
         FROM tickets t
         -- one index lookup per ticket: right whatever the planner's statistics say (right after a bulk
         -- initial sync they are stale, and a join against the grouped messages went quadratic)
         CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages m
                              WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
                                AND m.deleted_at IS NULL) c
        WHERE t.connector_id = $1 AND t.tenant_id = $3 AND t.deleted_at IS NULL
          AND t.messages_count <> coalesce(c.n, 0)
          AND t.reconciled_messages_count IS DISTINCT FROM t.messages_count
        ORDER BY t.updated_at DESC
        LIMIT $2`,
      [scope.connectorId, limit, scope.tenantId],
    );
    return rows.map((r) => ({ externalId: r.external_id, expected: r.expected, stored: r.stored }));
  }

  /**
   * After a ticket's messages were re-read in full: its stored messages that Gorgias no longer lists
   * were deleted there. Soft-deleted here (kept, hidden), returns how many.
   */
  async markUnlistedMessagesDeleted(m: EntityManager, scope: WriteScope, ticketExternalId: string, listedIds: number[]): Promise<number> {
    const [, count] = await m.query(
      `UPDATE messages SET deleted_at = now()
        WHERE connector_id = $1 AND tenant_id = $4 AND ticket_external_id = $2 AND deleted_at IS NULL
          AND NOT (external_id = ANY($3::bigint[]))`,
      [scope.connectorId, ticketExternalId, listedIds.map(String), scope.tenantId],
    );
    if (Number(count)) await this.refreshDescriptions(m, scope, [ticketExternalId]);
    return Number(count) || 0;
  }

  /** A ticket's description is its first (not deleted) message: refresh it for these tickets. */
  private async refreshDescriptions(m: EntityManager, scope: WriteScope, ticketExternalIds: string[]): Promise<void> {
    await m.query(
      `UPDATE tickets t SET description = coalesce(first.text, t.excerpt)
         FROM (SELECT k.id AS ticket_external_id,
                      (SELECT coalesce(body_text, stripped_text) FROM messages
                        WHERE connector_id = $1 AND ticket_external_id = k.id AND deleted_at IS NULL
                        ORDER BY created_at, external_id LIMIT 1) AS text
                 FROM unnest($2::bigint[]) AS k(id)) first
        WHERE t.connector_id = $1 AND t.tenant_id = $3 AND t.external_id = first.ticket_external_id
          AND t.description IS DISTINCT FROM coalesce(first.text, t.excerpt)`,
      [scope.connectorId, ticketExternalIds, scope.tenantId],
    );
  }

  /** Records that a ticket was re-read on its own at its current count. */
  async markReconciled(m: EntityManager, scope: WriteScope, externalId: string): Promise<void> {
    await m.query(
      `UPDATE tickets SET reconciled_messages_count = messages_count WHERE connector_id = $1 AND tenant_id = $3 AND external_id = $2`,
      [scope.connectorId, externalId, scope.tenantId],
    );
  }

  private async upsertCustomers(m: EntityManager, scope: WriteScope, customers: GorgiasCustomerRef[]): Promise<void> {
    const unique = latestById(customers, () => '');
    if (!unique.length) return;
    await m.query(
      `INSERT INTO customers (tenant_id, connector_id, external_id, email, name, payload, synced_at)
       SELECT $1, $2, x.external_id, x.email, x.name, x.payload, now()
         FROM jsonb_to_recordset($3::jsonb) AS x(external_id bigint, email text, name text, payload jsonb)
       ON CONFLICT (connector_id, external_id) DO UPDATE SET
         email = EXCLUDED.email, name = EXCLUDED.name, payload = EXCLUDED.payload, synced_at = now()`,
      [scope.tenantId, scope.connectorId, toJson(unique.map((c) => ({ external_id: c.id, email: c.email ?? null, name: customerName(c), payload: c })))],
    );
  }
}

function customerName(c: GorgiasCustomerRef | null | undefined): string | null {
  if (!c) return null;
  if (c.name) return c.name;
  const full = [c.firstname, c.lastname].filter(Boolean).join(' ');
  return full || null;
}
