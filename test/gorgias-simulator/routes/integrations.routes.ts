import { keysetPage, decodeCursor, listBody } from '../pagination';
import { checkParams, CREATED_ORDERS, LIST_PARAMS, one, parseCursor, parseLimit, parseOrder } from '../query-params';
import type { Route } from './route';

/** HTTP integrations: admins only (a non-admin's key gets 403, as for any missing permission). */
export const integrationRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/integrations$/,
    key: 'integrations',
    scope: 'integrations:read',
    resource: 'integrations',
    adminOnly: true,
    handle: ({ acct, q, uri }) => {
      checkParams(q, [...LIST_PARAMS, 'type']);
      const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:desc');
      const type = one(q, 'type');
      const recs = acct.integrationRegistry.all().filter((i) => type === undefined || i.type === type);
      const raw = parseCursor(q);
      const cursor = raw === null ? null : decodeCursor(raw, 'integrations', order);
      const page = keysetPage(
        recs,
        (i) => i.id,
        (i) => i.id,
        { desc: order.endsWith(':desc'), limit: parseLimit(q), cursor, resource: 'integrations', order },
      );
      return listBody({ ...page, data: structuredClone(page.data) }, uri);
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/integrations$/,
    key: 'integrations',
    scope: 'integrations:write',
    resource: 'integrations',
    adminOnly: true,
    status: 201,
    handle: ({ acct, q, body }) => (checkParams(q, []), acct.integrationRegistry.create(body, acct.store.stamp())),
  },
  {
    method: 'GET',
    pattern: /^\/api\/integrations\/(\d+)$/,
    key: 'integrations/{id}',
    scope: 'integrations:read',
    resource: 'integrations',
    adminOnly: true,
    handle: ({ acct, q, params }) => (checkParams(q, []), structuredClone(acct.integrationRegistry.get(Number(params[0])))),
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/integrations\/(\d+)$/,
    key: 'integrations/{id}',
    scope: 'integrations:write',
    resource: 'integrations',
    adminOnly: true,
    status: 204,
    handle: ({ acct, q, params }) => (checkParams(q, []), acct.integrationRegistry.delete(Number(params[0])), undefined),
  },
];
