import { TICKET_COLUMNS } from '../model/ticket.table';
import { hasSearch, TicketKey, TicketListFilter } from '../model/ticket-read.types';

/** Collects the WHERE clause of a ticket list (alias `t`) and its parameters ($1 is always the tenant). */
export class TicketWhere {
  readonly params: unknown[];
  readonly clauses: string[] = ['t.tenant_id = $1'];

  constructor(tenantId: string) {
    this.params = [tenantId];
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(clause: string): void {
    this.clauses.push(clause);
  }

  get sql(): string {
    return this.clauses.join(' AND ');
  }
}

/** The columns a TicketFilter argument matches exactly (see `filter` in the column table), in table order. */
const FILTERED_COLUMNS = TICKET_COLUMNS.flatMap((c) => ('filter' in c ? [{ column: c.column, type: c.type, ...c.filter }] : []));

/** The filter's WHERE clause, without the search (see `searchQuery`), after the cursor `after` when given. */
export function buildTicketWhere(tenantId: string, filter: TicketListFilter | null | undefined, after?: TicketKey): TicketWhere {
  const w = new TicketWhere(tenantId);
  const f = filter ?? {};
  for (const { column, type, arg, match } of FILTERED_COLUMNS) {
    const value = f[arg];
    if (value == null) continue;
    if (match === 'exact-ignoring-case') w.add(`lower(t.${column}) = lower(${w.param(value.trim())})`);
    else w.add(`t.${column} = ${w.param(value)}${type === 'uuid' ? '::uuid' : ''}`);
  }
  if (f.updatedAfter) w.add(`t.updated_at >= ${w.param(f.updatedAfter.toISOString())}::timestamptz`);
  if (f.updatedBefore) w.add(`t.updated_at < ${w.param(f.updatedBefore.toISOString())}::timestamptz`);
  if (f.tag != null) {
    w.add(`EXISTS (SELECT 1 FROM ticket_tags tt
      JOIN tags g ON g.tenant_id = tt.tenant_id AND g.connector_id = tt.connector_id AND g.external_id = tt.tag_external_id
      WHERE tt.tenant_id = $1 AND tt.connector_id = t.connector_id AND tt.ticket_external_id = t.external_id
        AND lower(g.name) = lower(${w.param(f.tag.trim())}))`);
  }
  if (f.minSatisfactionScore != null) {
    w.add(`EXISTS (SELECT 1 FROM satisfaction_surveys s
      WHERE s.tenant_id = $1 AND s.connector_id = t.connector_id AND s.ticket_external_id = t.external_id
        AND s.score >= ${w.param(f.minSatisfactionScore)}::int)`);
  }
  if (!f.includeDeleted) w.add('t.deleted_at IS NULL AND t.trashed_at IS NULL');
  if (after) w.add(`(t.updated_at, t.id) < (${w.param(after.updatedAt)}::timestamptz, ${w.param(after.id)}::uuid)`);
  return w;
}

/**
 * `websearch_to_tsquery(...)` of the filter's search (as a parameter of `w`), or undefined when there is
 * nothing to search for. It is a sub-select (computed once per statement) so that PostgreSQL plans the
 * search without looking at the words: the plan is the same for every search, and the prepared statement
 * keeps one generic plan instead of planning each request again (planning was half of its time). The
 * two-step search (see searchTickets) already fixes the plan's shape; the words' frequency never chose it.
 */
export function searchQuery(w: TicketWhere, filter: TicketListFilter | null | undefined): string | undefined {
  const search = filter?.search;
  return hasSearch(search) ? `(SELECT websearch_to_tsquery('simple', ${w.param(search.trim())}))` : undefined;
}
