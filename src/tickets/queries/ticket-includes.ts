import { encodeCursor } from '../../common/pagination/cursor';
import { Connection, toBackwardConnection, toConnection } from '../../common/pagination/paginated';
import { preload } from '../../common/graphql/preloaded-fields';
import type { MessagePageArgs } from '../api/message-page.args';
import { Customer, Message, Ticket } from '../api/models/ticket.models';
import { toAttachments } from './ticket-row.mapper';

/** A `messages` field asked on every ticket of a page, fetched in the page's own statement. */
export interface MessagesInclude extends MessagePageArgs {
  /** Response key (alias or field name) the page answers. */
  key: string;
  totalCount: boolean;
  /** edges or pageInfo asked: cursors need each message's created_at with microseconds. */
  cursors: boolean;
  /** Message fields asked (under nodes or edges.node). */
  fields: ReadonlySet<string>;
}

/** What a ticket page brings along in its one statement: the customer (per response key) and message pages. */
export interface TicketIncludes {
  customerKeys: string[];
  messages: MessagesInclude[];
  /** The ticket columns (of TicketRow) the fields asked need; undefined: all of them. */
  columns?: string[];
}

/** Ticket columns every page needs: keys, the sort key and its cursor, and the customer's fallback. */
const KEY_COLUMNS = ['id', 'connector_id', 'external_id', 'updated_at', 'updated_at_key'];
const CUSTOMER_COLUMNS = ['customer_external_id', 'customer_email', 'customer_name'];
/** The columns behind each plain Ticket field. */
const FIELD_COLUMNS: Record<string, string[]> = {
  id: [],
  connectorId: [],
  externalId: [],
  updatedAt: [],
  __typename: [],
  subject: ['subject'],
  description: ['description'],
  status: ['status'],
  priority: ['priority'],
  channel: ['channel'],
  via: ['via'],
  language: ['language'],
  tags: ['tags'],
  messagesCount: ['messages_count'],
  createdAt: ['created_at'],
  closedAt: ['closed_at'],
  lastMessageAt: ['last_message_at'],
  deletedAt: ['deleted_at', 'trashed_at'],
  trashedAt: ['trashed_at'],
  customer: CUSTOMER_COLUMNS,
  messages: [],
};

/** The ticket columns `fields` (Ticket field names asked) need, or undefined when one is unknown here (then all are read). */
export function ticketColumnsFor(fields: Iterable<string>): string[] | undefined {
  const columns = new Set(KEY_COLUMNS);
  for (const f of fields) {
    const needed = FIELD_COLUMNS[f];
    if (!needed) return undefined;
    needed.forEach((c) => columns.add(c));
  }
  return [...columns];
}

/** The Ticket fields a page can answer from its own statement (see answerPreloadedFields). */
export const PRELOADED_TICKET_FIELDS = ['Ticket.customer', 'Ticket.messages'];

/** The types of a ticket page whose fields are plain properties (see readPlainFieldsDirectly). */
export const PLAIN_TICKET_TYPES = [
  'Ticket',
  'Customer',
  'Message',
  'Participant',
  'Attachment',
  'PageInfo',
  'TicketConnection',
  'TicketEdge',
  'MessageConnection',
  'MessageEdge',
];

export const NO_INCLUDES: TicketIncludes = { customerKeys: [], messages: [] };

/** The customer of a ticket: the customers row when there is one, field by field over the ticket's own columns. */
export function customerOf(ticket: Ticket, stored: Customer | null): Customer | null {
  if (stored)
    return { externalId: stored.externalId, email: stored.email ?? ticket.customerEmail, name: stored.name ?? ticket.customerName };
  if (ticket.customerExternalId == null && ticket.customerEmail == null && ticket.customerName == null) return null;
  return { externalId: ticket.customerExternalId, email: ticket.customerEmail, name: ticket.customerName };
}

export const messageCursor = (m: Message) => encodeCursor({ createdAt: m.createdAtKey, id: m.id });

/** A conversation page from its rows (newest first when backward), as `Ticket.messages` answers it. */
export function messageConnection(rows: Message[], page: MessagePageArgs, totalCount: number): Connection<Message> {
  return page.backward
    ? toBackwardConnection(rows, page.size, totalCount, messageCursor, !!page.at)
    : toConnection(rows, page.size, totalCount, messageCursor);
}

/** Message objects from the JSON the page statement built (GraphQL field names already; dates as the API's text). */
function messagesFromJson(json: any[] | null, ticketId: string): Message[] {
  if (!json) return [];
  for (const m of json) {
    m.ticketId = ticketId;
    if (m.attachments !== undefined) m.attachments = toAttachments(m.attachments);
  }
  return json as Message[];
}

/**
 * Puts what the page statement fetched along with each ticket row (`row`) where the fields will find it:
 * the customer and each message page, preloaded under their response keys.
 */
export function attachIncludes(ticket: Ticket, row: any, includes: TicketIncludes): Ticket {
  if (includes.customerKeys.length) {
    const stored = row.cust_external_id == null ? null : { externalId: row.cust_external_id, email: row.cust_email, name: row.cust_name };
    const customer = customerOf(ticket, stored);
    for (const key of includes.customerKeys) preload(ticket, key, customer);
  }
  includes.messages.forEach((inc, i) => {
    preload(ticket, inc.key, messageConnection(messagesFromJson(row[`msg_${i}`], ticket.id), inc, row.msg_total ?? 0));
  });
  return ticket;
}
