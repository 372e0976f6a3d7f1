/**
 * Users, teams, tags, satisfaction surveys and custom field definitions (issue 24). Orders are
 * `created_datetime` only (assumed; no `updated_datetime`, so edits are found through events), limit and
 * cursor as on every list; `GET …/{id}` reads the one an event names.
 */
import { ApiError } from '../api-error';
import type { CoverageKind } from '../coverage-store';
import { getCoverage, listCoverage } from '../coverage-reads';
import { listBody } from '../pagination';
import { checkParams, CREATED_ORDERS, LIST_PARAMS, one, parseBool, parseCursor, parseLimit, parseOrder } from '../query-params';
import type { Resource, Scope } from '../keys';
import type { Route } from './route';

const KINDS: { kind: CoverageKind; scope: Scope; resource: Resource }[] = [
  { kind: 'users', scope: 'users:read', resource: 'users' },
  { kind: 'teams', scope: 'users:read', resource: 'teams' },
  { kind: 'tags', scope: 'tags:read', resource: 'tags' },
  { kind: 'satisfaction-surveys', scope: 'satisfaction_survey:read', resource: 'satisfaction_surveys' },
  { kind: 'custom-fields', scope: 'custom_fields:read', resource: 'custom_fields' },
];

const OBJECT_TYPES = ['Ticket', 'Customer'];

export const coverageRoutes: Route[] = KINDS.flatMap(({ kind, scope, resource }): Route[] => [
  {
    method: 'GET',
    pattern: new RegExp(`^/api/${kind}$`),
    key: kind,
    scope,
    resource,
    handle: ({ acct, q, uri }) => {
      const isFields = kind === 'custom-fields';
      checkParams(q, isFields ? [...LIST_PARAMS, 'object_type', 'archived'] : LIST_PARAMS);
      let objectType: string | undefined;
      if (isFields) {
        // Assumed required: the reference's examples always name the object type.
        objectType = one(q, 'object_type');
        if (!objectType || !OBJECT_TYPES.includes(objectType)) {
          throw new ApiError(400, 'Invalid query parameters.', { object_type: [`Must be one of: ${OBJECT_TYPES.join(', ')}.`] });
        }
      }
      const order = parseOrder(q, CREATED_ORDERS, 'created_datetime:desc');
      const page = listCoverage(acct.store, kind, acct.behaviour(), {
        order,
        limit: parseLimit(q),
        cursor: parseCursor(q),
        objectType,
        archived: isFields ? (parseBool(q, 'archived') ?? false) : undefined,
      });
      return listBody(page, uri);
    },
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/api/${kind}/(\\d+)$`),
    key: `${kind}/{id}`,
    scope,
    resource,
    handle: ({ acct, q, params }) => (checkParams(q, []), getCoverage(acct.store, kind, Number(params[0]))),
  },
]);
