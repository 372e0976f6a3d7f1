import { listBody } from '../pagination';
import { checkParams, LIST_PARAMS, one, parseCursor, parseLimit, parseOrder, TICKET_ORDERS } from '../query-params';
import { listCustomers } from '../reads';
import type { Route } from './route';

export const customerRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/customers$/,
    key: 'customers',
    scope: 'customers:read',
    resource: 'customers',
    handle: ({ acct, q, uri }) => {
      checkParams(q, [...LIST_PARAMS, 'email']);
      // Assumed: customers sort like tickets (created or updated).
      const order = parseOrder(q, TICKET_ORDERS, 'created_datetime:desc');
      return listBody(listCustomers(acct.store, { order, limit: parseLimit(q), cursor: parseCursor(q), email: one(q, 'email') }), uri);
    },
  },
];
