import { sqlLimit } from '../../database/sql-literal';
import { isoInstantSql, isoMicrosSql } from '../../database/sql-timestamps';
import { CUSTOMER_COLUMNS } from '../model/customer.table';
import { MESSAGE_COLUMNS, MESSAGE_FIELD_COLUMNS } from '../model/message.table';
import { TICKET_READ_COLUMNS } from '../model/ticket.table';
import type { TicketIncludes } from '../model/ticket-read.types';

/** Wraps a ticket page statement so that it brings its includes along. */
export type IncludeSql = (pageSql: string) => string;

/** Ticket timestamp columns: a page reads them as the API's text (see Instant), not as Dates to format again. */
const INSTANT_COLUMNS = new Set(TICKET_READ_COLUMNS.filter((c) => c.type === 'timestamptz').map((c) => c.column));
const participant = (email: string, name: string) =>
  `CASE WHEN ${email} IS NULL AND ${name} IS NULL THEN NULL ELSE json_build_object('email', ${email}, 'name', ${name}) END`;
/** Message fields read from two columns. */
const COMPOSITE_MESSAGE_FIELDS: Record<string, string> = {
  sender: participant('m.sender_email', 'm.sender_name'),
  receiver: participant('m.receiver_email', 'm.receiver_name'),
};

const MESSAGE_TYPES = new Map<string, string>(MESSAGE_COLUMNS.map((c) => [c.column, c.type]));

/** Message fields as the JSON of a page carries them: GraphQL names, values ready but for attachments. */
const MESSAGE_FIELDS: Record<string, string> = Object.fromEntries(
  [...MESSAGE_FIELD_COLUMNS].map(([field, [column, ...more]]) => {
    const type = MESSAGE_TYPES.get(column);
    if (more.length) {
      if (!COMPOSITE_MESSAGE_FIELDS[field])
        throw new Error(`Message.${field} is read from several columns: say how in COMPOSITE_MESSAGE_FIELDS`);
      return [field, COMPOSITE_MESSAGE_FIELDS[field]];
    }
    if (type === 'bigint') return [field, `m.${column}::text`];
    return [field, type === 'timestamptz' ? isoInstantSql(`m.${column}`) : `m.${column}`];
  }),
);

/** The customers row's columns a page brings along (prefixed `cust_`). */
const CUSTOMER_INCLUDE = CUSTOMER_COLUMNS.filter((c) => 'field' in c).map((c) =>
  c.type === 'bigint' ? `c.${c.column}::text AS cust_${c.column}` : `c.${c.column} AS cust_${c.column}`,
);

/**
 * Wraps a ticket page statement (alias `t`, TICKET_COLUMNS, tenant in $1) so that the same statement
 * brings what `includes` asks for: the customers row, and per `messages` field one page of each
 * ticket's conversation as a JSON array of the fields asked (an index range scan per ticket), and
 * the conversation totals. Parameters go through `param` once; the returned function can wrap
 * several statements (the two steps of a search).
 */
export function ticketIncludesSql(param: (value: unknown) => string, includes: TicketIncludes): IncludeSql {
  const columns: string[] = [];
  const joins: string[] = [];
  if (includes.customerKeys.length) {
    columns.push(...CUSTOMER_INCLUDE);
    joins.push(
      'LEFT JOIN customers c ON c.tenant_id = $1 AND c.connector_id = t.connector_id AND c.external_id = t.customer_external_id::bigint',
    );
  }
  const ofTicket =
    'm.connector_id = t.connector_id AND m.ticket_external_id = t.external_id::bigint AND m.tenant_id = $1 AND m.deleted_at IS NULL';
  includes.messages.forEach((page, i) => {
    const dir = page.backward ? 'DESC' : 'ASC';
    const cursor = page.at
      ? `AND (m.created_at, m.id) ${page.backward ? '<' : '>'} (${param(page.at.createdAt)}::timestamptz, ${param(page.at.id)}::uuid)`
      : '';
    const pairs = [...page.fields].filter((f) => f !== 'id' && MESSAGE_FIELDS[f]).map((f) => `'${f}', ${MESSAGE_FIELDS[f]}`);
    pairs.unshift(`'id', m.id`);
    if (page.cursors) pairs.push(`'createdAtKey', ${isoMicrosSql('m.created_at')}`);
    joins.push(`LEFT JOIN LATERAL (
      SELECT json_agg(x.j ORDER BY x.created_at ${dir}, x.id ${dir}) AS page FROM (
        SELECT json_build_object(${pairs.join(', ')}) AS j, m.created_at, m.id FROM messages m
        WHERE ${ofTicket} ${cursor} ORDER BY m.created_at ${dir}, m.id ${dir} LIMIT ${sqlLimit(page.size + 1)}
      ) x
    ) m${i} ON true`);
    columns.push(`m${i}.page AS msg_${i}`);
  });
  if (includes.messages.some((p) => p.totalCount)) {
    joins.push(`LEFT JOIN LATERAL (SELECT count(*)::int AS total FROM messages m WHERE ${ofTicket}) mc ON true`);
    columns.push('mc.total AS msg_total');
  }
  // Only the ticket columns the fields asked need leave PostgreSQL (the description, for one, is long).
  // Sorting stays on the timestamps themselves (`t.updated_at` below is the inner column, microseconds kept).
  const ticketColumns = includes.columns
    ? includes.columns.map((c) => (INSTANT_COLUMNS.has(c) ? `${isoInstantSql(`t.${c}`)} AS ${c}` : `t.${c}`))
    : ['t.*'];
  if (!columns.length && !includes.columns) return (pageSql) => pageSql;
  const select = [...ticketColumns, ...columns].join(', ');
  const from = joins.join('\n');
  return (pageSql) => `SELECT ${select} FROM (${pageSql}) t\n${from}\nORDER BY t.updated_at DESC, t.id DESC`;
}
