/**
 * The two read cases of bench:query, as each contender asks them: the gateway's GraphQL, the same
 * shape in PostGraphile's schema, and the least SQL a hand-written server needs (the floor).
 */
import { TENANT } from './dataset';

export const SEARCH = process.env.BENCH_SEARCH ?? 'refund damaged';
/** The API's search first checks this many of the newest tickets one by one; the floor and PostGraphile do the same. */
const SEARCH_WALK = 2000;

export interface BenchCase {
  key: 'list' | 'search';
  name: string;
  /** Tickets each answer must hold. */
  expect: number;
  api: { query: string; variables?: Record<string, unknown> };
  postgraphile: { query: string; variables?: Record<string, unknown> };
  /** One statement building the whole answer as JSON text in PostgreSQL. */
  floorSql: string;
  floorParams: unknown[];
}

const API_LIST = `query { tickets(first: 50) { pageInfo { hasNextPage endCursor } nodes {
  id externalId subject status priority channel tags updatedAt
  customer { externalId email name }
  messages(last: 5) { totalCount nodes { id externalId fromAgent bodyText createdAt sender { email name } } }
} } }`;

const API_SEARCH = `query($s: String) { tickets(first: 20, filter: { search: $s }) { pageInfo { hasNextPage endCursor } nodes {
  id externalId subject status updatedAt customer { email name }
} } }`;

// PostGraphile's own naming for the same fields (`rowId` is the table's id; its `id` is a Relay node id): the tenant is a condition (PostGraphile would use
// row-level security; a condition is the cheaper of the two), relations come from the smart tags below.
const PGL_LIST = `query { allTickets(first: 50, orderBy: [UPDATED_AT_DESC, ROW_ID_DESC], condition: { tenantId: "${TENANT}", deletedAt: null, trashedAt: null }) {
  pageInfo { hasNextPage endCursor } nodes {
  rowId externalId subject status priority channel tags updatedAt
  customer { externalId email name }
  messages(last: 5, orderBy: [CREATED_AT_ASC, ROW_ID_ASC], condition: { deletedAt: null }) { totalCount nodes { rowId externalId fromAgent bodyText createdAt senderEmail senderName } }
} } }`;

const PGL_SEARCH = `query($s: String!) { benchSearchTickets(tenant: "${TENANT}", q: $s, first: 20) { pageInfo { hasNextPage endCursor } nodes {
  rowId externalId subject status updatedAt customer { email name }
} } }`;

/** The same answers with the least SQL: one statement each, JSON made by PostgreSQL. */
const FLOOR_LIST = `
SELECT json_build_object('data', json_build_object('tickets', json_build_object('nodes', coalesce(json_agg(x.node ORDER BY x.updated_at DESC, x.id DESC), '[]'))))::text AS body
FROM (
  SELECT t.updated_at, t.id, json_build_object(
    'id', t.id, 'externalId', t.external_id::text, 'subject', t.subject, 'status', t.status, 'priority', t.priority,
    'channel', t.channel, 'tags', t.tags, 'updatedAt', t.updated_at,
    'customer', json_build_object('externalId', t.customer_external_id::text, 'email', coalesce(c.email, t.customer_email), 'name', coalesce(c.name, t.customer_name)),
    'messages', json_build_object('totalCount', mc.n, 'nodes', coalesce(mm.nodes, '[]'))) AS node
  FROM tickets t
  LEFT JOIN customers c ON c.connector_id = t.connector_id AND c.external_id = t.customer_external_id
  CROSS JOIN LATERAL (SELECT count(*) AS n FROM messages m WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id AND m.deleted_at IS NULL) mc
  CROSS JOIN LATERAL (
    SELECT json_agg(json_build_object('id', m.id, 'externalId', m.external_id::text, 'fromAgent', m.from_agent, 'bodyText', m.body_text,
      'createdAt', m.created_at, 'sender', json_build_object('email', m.sender_email, 'name', m.sender_name)) ORDER BY m.created_at, m.id) AS nodes
    FROM (SELECT * FROM messages m WHERE m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id AND m.deleted_at IS NULL
          ORDER BY m.created_at DESC, m.id DESC LIMIT 5) m
  ) mm
  WHERE t.tenant_id = $1 AND t.deleted_at IS NULL AND t.trashed_at IS NULL
  ORDER BY t.updated_at DESC, t.id DESC
  LIMIT 50
) x`;

const FLOOR_SEARCH = `
SELECT json_build_object('data', json_build_object('tickets', json_build_object('nodes', coalesce(json_agg(x.node ORDER BY x.updated_at DESC, x.id DESC), '[]'))))::text AS body
FROM (
  SELECT t.updated_at, t.id, json_build_object('id', t.id, 'externalId', t.external_id::text, 'subject', t.subject, 'status', t.status,
    'updatedAt', t.updated_at, 'customer', json_build_object('email', coalesce(c.email, t.customer_email), 'name', coalesce(c.name, t.customer_name))) AS node
  FROM (SELECT * FROM tickets t WHERE t.tenant_id = $1 AND t.deleted_at IS NULL AND t.trashed_at IS NULL ORDER BY t.updated_at DESC, t.id DESC LIMIT ${SEARCH_WALK}) t
  LEFT JOIN customers c ON c.connector_id = t.connector_id AND c.external_id = t.customer_external_id
  WHERE t.search @@ websearch_to_tsquery('simple', $2) OR EXISTS (
    SELECT 1 FROM messages m WHERE m.tenant_id = t.tenant_id AND m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
      AND m.deleted_at IS NULL AND m.search @@ websearch_to_tsquery('simple', $2) OFFSET 0)
  ORDER BY t.updated_at DESC, t.id DESC
  LIMIT 20
) x`;

export const CASES: BenchCase[] = [
  {
    key: 'list',
    name: '(a) tickets(first: 50) + customer + messages(last: 5)',
    expect: 50,
    api: { query: API_LIST },
    postgraphile: { query: PGL_LIST },
    floorSql: FLOOR_LIST,
    floorParams: [TENANT],
  },
  {
    key: 'search',
    name: `(b) search "${SEARCH}" (first: 20)`,
    expect: 20,
    api: { query: API_SEARCH, variables: { s: SEARCH } },
    postgraphile: { query: PGL_SEARCH, variables: { s: SEARCH } },
    floorSql: FLOOR_SEARCH,
    floorParams: [TENANT, SEARCH],
  },
];

/**
 * What PostGraphile needs to serve the same shape, on the benchmark's database only: smart tags for the
 * two relations the schema has no foreign key for, and the API's search as a set-returning function
 * (PostGraphile has no full-text search of its own; the function does the API's walk of the newest tickets).
 */
export const POSTGRAPHILE_SETUP_SQL = [
  `COMMENT ON TABLE tickets IS E'@foreignKey (tenant_id, connector_id, customer_external_id) references customers (tenant_id, connector_id, external_id)|@fieldName customer|@foreignFieldName tickets'`,
  `COMMENT ON TABLE messages IS E'@foreignKey (tenant_id, connector_id, ticket_external_id) references tickets (tenant_id, connector_id, external_id)|@fieldName ticket|@foreignFieldName messages'`,
  `CREATE OR REPLACE FUNCTION bench_search_tickets(tenant text, q text) RETURNS SETOF tickets LANGUAGE sql STABLE AS $$
     SELECT t.* FROM (
       SELECT * FROM tickets t WHERE t.tenant_id = tenant AND t.deleted_at IS NULL AND t.trashed_at IS NULL
       ORDER BY t.updated_at DESC, t.id DESC LIMIT ${SEARCH_WALK}
     ) t
     WHERE t.search @@ websearch_to_tsquery('simple', q) OR EXISTS (
       SELECT 1 FROM messages m WHERE m.tenant_id = t.tenant_id AND m.connector_id = t.connector_id AND m.ticket_external_id = t.external_id
         AND m.deleted_at IS NULL AND m.search @@ websearch_to_tsquery('simple', q) OFFSET 0)
     ORDER BY t.updated_at DESC, t.id DESC
   $$`,
];
