/** One REST route of the simulated API: method, path pattern (under `/api`), the scope it needs, its handler. */
import type { Account } from '../account';
import type { Resource, Scope } from '../keys';
import type { Query } from '../query-params';

export interface RouteContext {
  acct: Account;
  q: Query;
  /** Captured path segments. */
  params: string[];
  /** The request's uri as Gorgias echoes it in lists: `/api/tickets/?limit=1`. */
  uri: string;
  /** Parsed JSON body (undefined when there is none). */
  body: unknown;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Matches the path after the subdomain, trailing slash removed: `/api/tickets/(\d+)`. */
  pattern: RegExp;
  /** Name in stats().byRoute, e.g. `tickets/{id}` (prefixed with the method and `/api/`). */
  key: string;
  scope: Scope;
  /** For keys whose user cannot see a resource (`denied`). */
  resource: Resource;
  /** Only admins' keys may call it (403 otherwise). */
  adminOnly?: boolean;
  /** Status of a successful answer (default 200). */
  status?: number;
  handle(ctx: RouteContext): unknown;
}
