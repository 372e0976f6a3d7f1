import { ApiError } from '../api-error';
import { listBody } from '../pagination';
import {
  checkParams,
  LIST_PARAMS,
  one,
  parseBool,
  parseCursor,
  parseIntParam,
  parseLimit,
  parseOrder,
  TICKET_ORDERS,
} from '../query-params';
import { getTicket, listTickets } from '../reads';
import type { Route } from './route';

export const ticketRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/tickets$/,
    key: 'tickets',
    scope: 'tickets:read',
    resource: 'tickets',
    handle: ({ acct, q, uri }) => {
      checkParams(q, [...LIST_PARAMS, 'customer_id', 'external_id', 'trashed', 'ticket_ids', 'view_id', 'rule_id']);
      const ids = q.getAll('ticket_ids').flatMap((s) => s.split(','));
      if (ids.some((s) => !/^\d+$/.test(s))) throw new ApiError(400, 'Invalid query parameters.', { ticket_ids: ['Not a valid integer.'] });
      const order = parseOrder(q, TICKET_ORDERS, 'created_datetime:desc');
      const page = listTickets(acct.store, {
        order,
        limit: parseLimit(q),
        cursor: parseCursor(q),
        customerId: parseIntParam(q, 'customer_id'),
        externalId: one(q, 'external_id'),
        trashed: parseBool(q, 'trashed'),
        ticketIds: ids.length ? ids.map(Number) : undefined,
      });
      parseIntParam(q, 'view_id');
      parseIntParam(q, 'rule_id');
      return listBody(page, uri);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/tickets\/(\d+)$/,
    key: 'tickets/{id}',
    scope: 'tickets:read',
    resource: 'tickets',
    handle: ({ acct, q, params }) => (checkParams(q, []), getTicket(acct.store, Number(params[0]))),
  },
  {
    // The web app's "Delete" is this PUT with trashed_datetime; null restores. Other fields update the ticket.
    method: 'PUT',
    pattern: /^\/api\/tickets\/(\d+)$/,
    key: 'tickets/{id}',
    scope: 'tickets:write',
    resource: 'tickets',
    handle: ({ acct, q, params, body }) => {
      checkParams(q, []);
      if (!body || typeof body !== 'object' || Array.isArray(body))
        throw new ApiError(400, 'Invalid body.', { _schema: ['A JSON object is required.'] });
      const id = Number(params[0]);
      const { trashed_datetime: trashed, ...rest } = body as Record<string, unknown>;
      if (Object.keys(rest).length) acct.updateTicket(id, rest);
      // Only a change of state trashes or restores (and records its event).
      const isTrashed = !!acct.store.live(id).t.trashed_datetime;
      if (trashed === null && isTrashed) acct.restoreTicket(id);
      else if (trashed !== undefined && trashed !== null && !isTrashed) acct.trashTicket(id);
      return getTicket(acct.store, id);
    },
  },
  {
    // "Delete forever".
    method: 'DELETE',
    pattern: /^\/api\/tickets\/(\d+)$/,
    key: 'tickets/{id}',
    scope: 'tickets:write',
    resource: 'tickets',
    status: 204,
    handle: ({ acct, q, params }) => (checkParams(q, []), acct.deleteTicket(Number(params[0])), undefined),
  },
];
