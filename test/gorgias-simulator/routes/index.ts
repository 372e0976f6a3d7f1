/** The route table of the simulated REST API and the lookup that tells 404 (no such path) from 405. */
import { accountRoutes } from './account.routes';
import { coverageRoutes } from './coverage.routes';
import { customerRoutes } from './customers.routes';
import { eventRoutes } from './events.routes';
import { integrationRoutes } from './integrations.routes';
import { messageRoutes } from './messages.routes';
import type { Route } from './route';
import { ticketRoutes } from './tickets.routes';

export type { Route, RouteContext } from './route';

const ROUTES: Route[] = [
  ...accountRoutes,
  ...ticketRoutes,
  ...messageRoutes,
  ...customerRoutes,
  ...eventRoutes,
  ...integrationRoutes,
  ...coverageRoutes,
];

export interface RouteMatch {
  route: Route | null;
  params: string[];
  /** `GET /api/tickets/{id}`, or `${method} (unknown)`. */
  routeKey: string;
  knownPath: boolean;
}

export function matchApiRoute(method: string, path: string): RouteMatch {
  let pathKey: string | null = null;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathKey ??= route.key;
    if (route.method === method) return { route, params: m.slice(1), routeKey: `${method} /api/${route.key}`, knownPath: true };
  }
  if (pathKey !== null) return { route: null, params: [], routeKey: `${method} /api/${pathKey}`, knownPath: true };
  return { route: null, params: [], routeKey: `${method} (unknown)`, knownPath: false };
}
