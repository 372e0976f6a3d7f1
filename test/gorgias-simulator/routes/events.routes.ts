import { ApiError } from '../api-error';
import { listBody } from '../pagination';
import {
  checkParams,
  CREATED_ORDERS,
  LIST_PARAMS,
  one,
  parseCursor,
  parseDatetime,
  parseIntParam,
  parseIntValue,
  parseLimit,
  parseOrder,
} from '../query-params';
import { listEvents } from '../reads';
import type { Route } from './route';

const EVENT_FILTERS = [
  'types',
  'object_type',
  'object_id',
  'user_ids',
  'created_datetime[gte]',
  'created_datetime[gt]',
  'created_datetime[lte]',
  'created_datetime[lt]',
];

/** Event types the `types` filter accepts: the reference's list plus those the web app uses. */
export const EVENT_TYPES = [
  'account-deactivated',
  'customer-created',
  'customer-updated',
  'customer-deleted',
  'ticket-assigned',
  'ticket-closed',
  'ticket-created',
  'ticket-deleted',
  'ticket-marked-spam',
  'ticket-merged',
  'ticket-message-created',
  'ticket-message-deleted',
  'ticket-message-failed',
  'ticket-message-updated',
  'ticket-reopened',
  'ticket-snoozed',
  'ticket-trashed',
  'ticket-unmarked-spam',
  'ticket-untrashed',
  'ticket-updated',
  // Issue 24 (users, teams, tags, a ticket's history); docs/gorgias-api.md marks which are confirmed.
  'user-created',
  'user-updated',
  'user-deleted',
  'team-created',
  'team-updated',
  'team-deleted',
  'tag-created',
  'tag-deleted',
  'tag-merged',
  'ticket-tags-added',
  'ticket-tags-removed',
  'ticket-unassigned',
  'ticket-team-assigned',
  'ticket-team-unassigned',
];

/** Survey event types: assumed names, known only with the `surveyEvents` option. */
const SURVEY_EVENT_TYPES = ['satisfaction-survey-created', 'satisfaction-survey-updated'];

/**
 * `types` is an array sent as repeated keys (`types=a&types=b`); each value is one type, so a
 * comma-joined value is an unknown type and answers 400 like the real validation.
 */
function parseTypes(values: string[], known: string[]): string[] | undefined {
  const errors: Record<string, string[]> = {};
  values.forEach((v, i) => {
    if (!known.includes(v)) errors[String(i)] = [`Must be one of: ${known.join(', ')}.`];
  });
  if (Object.keys(errors).length) throw new ApiError(400, 'Invalid query parameters.', { types: errors });
  return values.length ? values : undefined;
}

function parseUserIds(values: string[]): number | undefined {
  if (values.length > 1) throw new ApiError(400, 'Invalid query parameters.', { user_ids: ['Longer than maximum length 1.'] });
  return values.length ? parseIntValue(values[0], 'user_ids') : undefined;
}

export const eventRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/events$/,
    key: 'events',
    scope: 'events:read',
    resource: 'events',
    handle: ({ acct, q, uri }) => {
      checkParams(q, acct.eventFilters ? [...LIST_PARAMS, ...EVENT_FILTERS] : LIST_PARAMS);
      const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:desc');
      return listBody(
        listEvents(acct.store, {
          order,
          limit: parseLimit(q),
          cursor: parseCursor(q),
          types: parseTypes(q.getAll('types'), acct.behaviour().surveyEvents ? [...EVENT_TYPES, ...SURVEY_EVENT_TYPES] : EVENT_TYPES),
          objectType: one(q, 'object_type'),
          objectId: parseIntParam(q, 'object_id'),
          userId: parseUserIds(q.getAll('user_ids')),
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
