import { checkParams } from '../query-params';
import type { Route } from './route';

export const accountRoutes: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/account$/,
    key: 'account',
    scope: 'account:read',
    resource: 'account',
    handle: ({ acct, q }) => (checkParams(q, []), acct.accountObject()),
  },
];
