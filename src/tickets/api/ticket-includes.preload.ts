import { encodeCursor } from '../../common/pagination/cursor';
import { Connection, toBackwardConnection, toConnection } from '../../common/pagination/paginated';
import { preload } from '../../common/graphql/preloaded-fields';
import type { MessagePageArgs, TicketIncludes } from '../model/ticket-read.types';
import { Customer, Message, Ticket } from './models/ticket.models';
import { toAttachments } from './ticket-row.mapper';

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
