import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { badUserInput } from '../common/graphql-errors';
import { assertUuid } from '../connectors/connectors.service';
import { TicketFilter } from './dto/ticket-filter.input';
import { Attachment, Customer, Message, Ticket } from './tickets.types';
import { attachIncludes, NO_INCLUDES, TicketIncludes } from './queries/ticket-includes';
import { ticketIncludesSql } from './repositories/ticket-includes.repository';

/** Keyset position in the ticket list (updated_at DESC, id DESC); `updatedAt` keeps microseconds. */
export interface TicketKey {
  updatedAt: string;
  id: string;
}

/** Keyset position in a ticket's conversation (created_at ASC, id ASC). */
export interface MessageKey {
  createdAt: string;
  id: string;
}

/** What the messages batch needs to know about a ticket. */
export interface TicketRef {
  id: string;
  connectorId: string;
  externalId: string;
}

export interface MessagePage {
  rows: Message[];
  totalCount: number;
}

const MAX_BIGINT = 9223372036854775807n;
/** A search first checks this many of the newest tickets one by one (see `list`). */
export const SEARCH_WALK = 2000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Timestamps in cursors keep PostgreSQL's microseconds, so rows a microsecond apart never collide. */
const ISO_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

const TICKET_COLUMNS = `
  t.id, t.connector_id, t.external_id::text AS external_id, t.subject,
  coalesce(nullif(t.description, ''), t.excerpt) AS description,
  t.status, t.priority, t.channel, t.via, t.language, t.tags, t.messages_count,
  t.created_at, t.updated_at, t.closed_at, t.last_message_at, t.trashed_at, t.deleted_at,
  t.customer_external_id::text AS customer_external_id, t.customer_email, t.customer_name,
  to_char(t.updated_at AT TIME ZONE 'UTC', ${ISO_US}) AS updated_at_key`;

const MESSAGE_COLUMNS = `
  m.id, m.external_id::text AS external_id, m.channel, m.via, m.from_agent, m.public,
  m.sender_email, m.sender_name, m.receiver_email, m.receiver_name, m.subject, m.body_text, m.body_html,
  m.attachments, m.created_at, m.sent_at,
  to_char(m.created_at AT TIME ZONE 'UTC', ${ISO_US}) AS created_at_key`;

/** Collects the WHERE clause of a ticket list and its parameters ($1 is always the tenant). */
class TicketWhere {
  readonly params: unknown[];
  readonly clauses: string[] = ['t.tenant_id = $1'];

  constructor(tenantId: string) {
    this.params = [tenantId];
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  get sql(): string {
    return this.clauses.join(' AND ');
  }
}

/** True when `search` has something to search for (blank searches are ignored). */
export function hasSearch(search: string | null | undefined): search is string {
  return typeof search === 'string' && search.trim().length > 0;
}

/**
 * Read side of the synced Gorgias data. Every query is parameterised and scoped by the caller's
 * tenant; lists are keyset-paginated on indexed sort keys.
 */
@Injectable()
export class TicketsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The filter's WHERE clause, without the search (see `searchQuery`). */
  private buildWhere(user: AuthUser, filter: TicketFilter | null | undefined): TicketWhere {
    const w = new TicketWhere(user.tenantId);
    const f = filter ?? {};
    if (f.connectorId) w.add(`t.connector_id = ${w.param(f.connectorId)}::uuid`);
    if (f.status != null) w.add(`t.status = ${w.param(f.status)}`);
    if (f.priority != null) w.add(`t.priority = ${w.param(f.priority)}`);
    if (f.channel != null) w.add(`t.channel = ${w.param(f.channel)}`);
    if (f.customerEmail != null) w.add(`lower(t.customer_email) = lower(${w.param(f.customerEmail.trim())})`);
    if (f.updatedAfter) w.add(`t.updated_at >= ${w.param(f.updatedAfter.toISOString())}::timestamptz`);
    if (f.updatedBefore) w.add(`t.updated_at < ${w.param(f.updatedBefore.toISOString())}::timestamptz`);
    if (!f.includeDeleted) w.add('t.deleted_at IS NULL AND t.trashed_at IS NULL');
    return w;
  }

  /** `websearch_to_tsquery(...)` of the filter's search, or undefined when there is nothing to search for. */
  private searchQuery(w: TicketWhere, filter: TicketFilter | null | undefined): string | undefined {
    const search = filter?.search;
    return hasSearch(search) ? `websearch_to_tsquery('simple', ${w.param(search.trim())})` : undefined;
  }

  /**
   * One page of the ticket list, newest update first; `first + 1` rows say whether there is more.
   *
   * A search matches the ticket's own text or any of its messages. No single plan suits every word
   * (PostgreSQL cannot tell a common word from an absent one well enough), so it runs in two steps:
   * walk the newest SEARCH_WALK tickets in list order, checking each (fast when the words are common);
   * only if that does not fill the page, collect every match through the GIN indexes (fast when they are rare).
   */
  async list(
    user: AuthUser,
    filter: TicketFilter | null | undefined,
    first: number,
    after?: TicketKey,
    includes: TicketIncludes = NO_INCLUDES,
  ): Promise<Ticket[]> {
    const w = this.buildWhere(user, filter);
    if (after) {
      w.add(`(t.updated_at, t.id) < (${w.param(after.updatedAt)}::timestamptz, ${w.param(after.id)}::uuid)`);
    }
    const q = this.searchQuery(w, filter);
    const limit = w.param(first + 1);
    const order = 'ORDER BY t.updated_at DESC, t.id DESC';
    const withIncludes = ticketIncludesSql((v) => w.param(v), includes);
    const toTickets = (rows: any[]) => rows.map((r) => attachIncludes(toTicket(r), r, includes));
    if (!q) {
      return toTickets(await this.dataSource.query(withIncludes(`SELECT ${TICKET_COLUMNS} FROM tickets t WHERE ${w.sql} ${order} LIMIT ${limit}`), w.params));
    }
    // OFFSET 0 keeps the EXISTS a per-ticket index probe (not a hash of every matching message).
    const walked = await this.dataSource.query(
      withIncludes(`SELECT ${TICKET_COLUMNS} FROM (
         SELECT t.* FROM tickets t WHERE ${w.sql} ${order} LIMIT ${SEARCH_WALK}
       ) t
       WHERE t.search @@ ${q} OR EXISTS (
         SELECT 1 FROM messages m
         WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
           AND m.tenant_id = $1 AND m.deleted_at IS NULL AND m.search @@ ${q}
         OFFSET 0)
       ${order} LIMIT ${limit}`),
      w.params,
    );
    if (walked.length > first) return toTickets(walked);
    const rows = await this.dataSource.query(
      withIncludes(`WITH hit AS MATERIALIZED (
         SELECT t.id FROM tickets t WHERE t.tenant_id = $1 AND t.search @@ ${q}
         UNION
         SELECT t.id FROM messages m
         JOIN tickets t ON t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id
         WHERE m.tenant_id = $1 AND m.deleted_at IS NULL AND m.search @@ ${q}
       )
       SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.id IN (SELECT id FROM hit) AND ${w.sql} ${order} LIMIT ${limit}`),
      w.params,
    );
    return toTickets(rows);
  }

  /** How many tickets match `filter` (whatever the page). */
  async count(user: AuthUser, filter: TicketFilter | null | undefined): Promise<number> {
    const w = this.buildWhere(user, filter);
    const q = this.searchQuery(w, filter);
    if (q) {
      // Counting needs every match: here one pass over the matching messages (a hashed subplan) is right.
      w.add(`(t.search @@ ${q} OR EXISTS (
        SELECT 1 FROM messages m
        WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
          AND m.tenant_id = $1 AND m.deleted_at IS NULL AND m.search @@ ${q}))`);
    }
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM tickets t WHERE ${w.sql}`, w.params);
    return row.n;
  }

  /** A ticket by id, deleted or not; another tenant's ticket is simply not found. */
  async findById(user: AuthUser, id: string): Promise<Ticket | null> {
    assertUuid(id, 'id');
    const rows = await this.dataSource.query(`SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.tenant_id = $1 AND t.id = $2`, [user.tenantId, id]);
    return rows.length ? toTicket(rows[0]) : null;
  }

  /** A ticket by its Gorgias id within a connector, deleted or not. */
  async findByExternalId(user: AuthUser, connectorId: string, externalId: string): Promise<Ticket | null> {
    assertUuid(connectorId, 'connectorId');
    assertExternalId(externalId, 'externalId');
    const rows = await this.dataSource.query(
      `SELECT ${TICKET_COLUMNS} FROM tickets t WHERE t.tenant_id = $1 AND t.connector_id = $2 AND t.external_id = $3`,
      [user.tenantId, connectorId, externalId],
    );
    return rows.length ? toTicket(rows[0]) : null;
  }

  /**
   * The first `first + 1` messages (after `after`) of each ticket, oldest first, and each ticket's
   * message total: ONE query for the whole batch (a LATERAL index range scan per ticket).
   */
  /**
   * A page of each ticket's conversation. Forward (`first`/`after`): oldest first. Backward
   * (`last`/`before`): the rows come newest first (the resolver puts them back in order).
   */
  async messagePages(
    user: AuthUser,
    tickets: readonly TicketRef[],
    size: number,
    at?: MessageKey,
    direction: 'forward' | 'backward' = 'forward',
  ): Promise<MessagePage[]> {
    if (!tickets.length) return [];
    const params: unknown[] = [
      tickets.map((t) => t.id),
      tickets.map((t) => t.connectorId),
      tickets.map((t) => t.externalId),
      user.tenantId,
      size + 1,
    ];
    const backward = direction === 'backward';
    let cursor = '';
    if (at) {
      params.push(at.createdAt, at.id);
      cursor = `AND (m.created_at, m.id) ${backward ? '<' : '>'} ($6::timestamptz, $7::uuid)`;
    }
    const dir = backward ? 'DESC' : 'ASC';
    const rows: any[] = await this.dataSource.query(
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
         LIMIT $5
       ) p ON true
       ORDER BY k.ord, p.created_at ${dir}, p.id ${dir}`,
      params,
    );
    const pages: MessagePage[] = tickets.map(() => ({ rows: [], totalCount: 0 }));
    for (const r of rows) {
      const page = pages[Number(r.ord) - 1];
      page.totalCount = r.total;
      if (r.id) page.rows.push(toMessage(r, r.ticket_id));
    }
    return pages;
  }

  /** Customers by (connector, Gorgias customer id), in one query; keys are `connectorId:externalId`. */
  async customers(user: AuthUser, keys: readonly { connectorId: string; externalId: string }[]): Promise<Map<string, Customer>> {
    const found = new Map<string, Customer>();
    if (!keys.length) return found;
    const rows: any[] = await this.dataSource.query(
      `SELECT c.connector_id, c.external_id::text AS external_id, c.email, c.name FROM customers c
       WHERE c.tenant_id = $1 AND (c.connector_id, c.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [user.tenantId, keys.map((k) => k.connectorId), keys.map((k) => k.externalId)],
    );
    for (const r of rows) found.set(`${r.connector_id}:${r.external_id}`, { externalId: r.external_id, email: r.email, name: r.name });
    return found;
  }

  /** Live (not deleted) tickets per connector, in one query. */
  async ticketCounts(user: AuthUser, connectorIds: readonly string[]): Promise<Map<string, number>> {
    const rows: any[] = await this.dataSource.query(
      `SELECT k.id, (SELECT count(*) FROM tickets t WHERE t.connector_id = k.id AND t.tenant_id = $2 AND t.deleted_at IS NULL)::int AS n
       FROM unnest($1::uuid[]) AS k(id)`,
      [connectorIds, user.tenantId],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  /** Messages of live tickets per connector, in one query. */
  async messageCounts(user: AuthUser, connectorIds: readonly string[]): Promise<Map<string, number>> {
    const rows: any[] = await this.dataSource.query(
      `SELECT k.id, (
         SELECT count(*) FROM messages m
         JOIN tickets t ON t.connector_id = m.connector_id AND t.external_id = m.ticket_external_id
         WHERE m.connector_id = k.id AND m.tenant_id = $2 AND m.deleted_at IS NULL AND t.deleted_at IS NULL
       )::int AS n
       FROM unnest($1::uuid[]) AS k(id)`,
      [connectorIds, user.tenantId],
    );
    return new Map(rows.map((r) => [r.id, r.n]));
  }
}

/** A Gorgias id: a positive integer that fits PostgreSQL's bigint. BAD_USER_INPUT naming `field` otherwise. */
export function assertExternalId(value: string, field: string): void {
  if (typeof value !== 'string' || !/^\d{1,19}$/.test(value) || BigInt(value) > MAX_BIGINT) {
    throw badUserInput(`${field}: "${String(value).slice(0, 60)}" is not a Gorgias id; use the numeric id shown in Gorgias (e.g. 12345).`, field);
  }
}

/** Checks a decoded ticket cursor really holds a timestamp and a uuid (else BAD_USER_INPUT). */
export function isValidKey(key: { id: string } & Record<string, string>, timeField: string): boolean {
  return UUID.test(key.id) && !Number.isNaN(Date.parse(key[timeField]));
}

function toTicket(r: any): Ticket {
  const t = new Ticket();
  t.id = r.id;
  t.connectorId = r.connector_id;
  t.externalId = r.external_id;
  t.subject = r.subject;
  t.description = r.description;
  t.status = r.status;
  t.priority = r.priority;
  t.channel = r.channel;
  t.via = r.via;
  t.language = r.language;
  t.tags = r.tags ?? [];
  t.messagesCount = r.messages_count;
  t.createdAt = r.created_at;
  t.updatedAt = r.updated_at;
  t.closedAt = r.closed_at;
  t.lastMessageAt = r.last_message_at;
  t.trashedAt = r.trashed_at;
  t.deletedAt = r.deleted_at ?? r.trashed_at;
  t.customerExternalId = r.customer_external_id;
  t.customerEmail = r.customer_email;
  t.customerName = r.customer_name;
  t.updatedAtKey = r.updated_at_key;
  return t;
}

function participant(email: string | null, name: string | null) {
  return email == null && name == null ? null : { email, name };
}

export function toAttachments(value: unknown): Attachment[] {
  if (!Array.isArray(value)) return [];
  const out: Attachment[] = [];
  for (const a of value) {
    if (!a || typeof a !== 'object' || typeof a.url !== 'string') continue;
    const size = typeof a.size === 'number' && Number.isInteger(a.size) && a.size >= 0 && a.size <= 2_147_483_647 ? a.size : null;
    const contentType = a.content_type ?? a.contentType;
    out.push({ url: a.url, name: typeof a.name === 'string' ? a.name : null, size, contentType: typeof contentType === 'string' ? contentType : null });
  }
  return out;
}

function toMessage(r: any, ticketId: string): Message {
  const m = new Message();
  m.id = r.id;
  m.externalId = r.external_id;
  m.ticketId = ticketId;
  m.channel = r.channel;
  m.via = r.via;
  m.fromAgent = r.from_agent;
  m.public = r.public;
  m.sender = participant(r.sender_email, r.sender_name);
  m.receiver = participant(r.receiver_email, r.receiver_name);
  m.subject = r.subject;
  m.bodyText = r.body_text;
  m.bodyHtml = r.body_html;
  m.createdAt = r.created_at;
  m.sentAt = r.sent_at;
  m.attachments = toAttachments(r.attachments);
  m.createdAtKey = r.created_at_key;
  return m;
}
