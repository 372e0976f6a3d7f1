import { listBody } from '../pagination';
import { checkParams, CREATED_ORDERS, LIST_PARAMS, parseCursor, parseIntParam, parseLimit, parseOrder } from '../query-params';
import { listMessages } from '../reads';
import type { Route } from './route';

const noContent = () => undefined;

export const messageRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/tickets\/(\d+)\/messages$/,
    key: 'tickets/{id}/messages',
    scope: 'tickets:read',
    resource: 'messages',
    handle: ({ acct, q, params, uri }) => {
      checkParams(q, LIST_PARAMS);
      // Deprecated endpoint; documented as listing a ticket's messages oldest first.
      const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:asc');
      return listBody(
        listMessages(acct.store, {
          order,
          limit: parseLimit(q),
          cursor: parseCursor(q),
          ticketId: Number(params[0]),
          requireTicket: true,
          includeTrashed: acct.behaviour().trashedTicketMessagesListed,
        }),
        uri,
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/messages$/,
    key: 'messages',
    scope: 'tickets:read',
    resource: 'messages',
    handle: ({ acct, q, uri }) => {
      checkParams(q, [...LIST_PARAMS, 'ticket_id']);
      const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:desc');
      return listBody(
        listMessages(acct.store, {
          order,
          limit: parseLimit(q),
          cursor: parseCursor(q),
          ticketId: parseIntParam(q, 'ticket_id'),
          includeTrashed: acct.behaviour().trashedTicketMessagesListed,
        }),
        uri,
      );
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/tickets\/(\d+)\/messages\/(\d+)$/,
    key: 'tickets/{id}/messages/{id}',
    scope: 'tickets:write',
    resource: 'messages',
    status: 204,
    handle: ({ acct, q, params }) => (checkParams(q, []), acct.deleteMessage(Number(params[0]), Number(params[1])), noContent()),
  },
];
