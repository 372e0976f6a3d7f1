import { listBody } from '../pagination';
import { checkParams, CREATED_ORDERS, LIST_PARAMS, one, parseCursor, parseDatetime, parseIntParam, parseLimit, parseOrder } from '../query-params';
import { listEvents } from '../reads';
import type { Route } from './route';

const EVENT_FILTERS = ['types', 'object_type', 'object_id', 'user_ids', 'created_datetime[gte]', 'created_datetime[gt]', 'created_datetime[lte]', 'created_datetime[lt]'];

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/events$/,
    key: 'events',
    scope: 'events:read',
    resource: 'events',
    handle: ({ acct, q, uri }) => {
      checkParams(q, acct.eventFilters ? [...LIST_PARAMS, ...EVENT_FILTERS] : LIST_PARAMS);
      const types = q
        .getAll('types')
        .flatMap((s) => s.split(','))
        .map((s) => s.trim())
        .filter(Boolean);
      const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:desc');
      return listBody(
        listEvents(acct.store, {
          order,
          limit: parseLimit(q),
          cursor: parseCursor(q),
          types: types.length ? types : undefined,
          objectType: one(q, 'object_type'),
          objectId: parseIntParam(q, 'object_id'),
          gte: parseDatetime(q, 'created_datetime[gte]'),
          gt: parseDatetime(q, 'created_datetime[gt]'),
          lte: parseDatetime(q, 'created_datetime[lte]'),
          lt: parseDatetime(q, 'created_datetime[lt]'),
        }),
        uri,
      );
    },
  },
];
