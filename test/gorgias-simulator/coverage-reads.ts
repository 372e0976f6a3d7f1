/** What the coverage routes serve: users, teams, tags, satisfaction surveys, custom fields, paged with keyset cursors. */
import type { GorgiasCustomField, GorgiasTagDefinition, GorgiasUser } from '../../src/gorgias/gorgias.types';
import type { SimBehaviour } from './behaviour';
import type { CoverageKind, CoverageRec } from './coverage-store';
import { decodeCursor, keysetPage, PageResult } from './pagination';
import { AccountStore, clone } from './store';

export interface CoverageListQuery {
  order: string;
  limit: number;
  cursor: string | null;
  /** custom-fields: `Ticket` or `Customer`. */
  objectType?: string;
  /** custom-fields: archived ones instead of active ones. */
  archived?: boolean;
}

/** A tag's `usage` is counted when read, so merges and deletions show in it without bookkeeping. */
function withUsage(store: AccountStore, tags: GorgiasTagDefinition[]): GorgiasTagDefinition[] {
  const usage = new Map<number, number>();
  for (const r of store.tickets.values()) for (const t of r.t.tags ?? []) usage.set(t.id, (usage.get(t.id) ?? 0) + 1);
  return tags.map((t) => ({ ...t, usage: usage.get(t.id) ?? 0 }));
}

/** The records a list shows now, after the list's own rules (deactivated users, archived fields). */
export function coverageListed(store: AccountStore, kind: CoverageKind, b: SimBehaviour, q: Partial<CoverageListQuery> = {}) {
  const c = store.coverage;
  if (kind === 'users') return c.listed<GorgiasUser>(kind, (u) => u.active !== false || b.deactivatedUsersListed);
  if (kind === 'custom-fields') {
    return c.listed<GorgiasCustomField>(
      kind,
      (f) => f.object_type === (q.objectType ?? 'Ticket') && !!f.deactivated_datetime === !!q.archived,
    );
  }
  return c.listed<{ id: number }>(kind);
}

export function listCoverage(store: AccountStore, kind: CoverageKind, b: SimBehaviour, q: CoverageListQuery): PageResult<unknown> {
  const recs: CoverageRec<{ id: number }>[] = coverageListed(store, kind, b, q);
  // The cursor is tied to the list (and the field filter), like Gorgias' own.
  const resource = kind === 'custom-fields' ? `${kind}:${q.objectType}:${q.archived ? 1 : 0}` : kind;
  const cursor = q.cursor === null ? null : decodeCursor(q.cursor, resource, q.order);
  const page = keysetPage(
    recs,
    (r) => r.c,
    (r) => r.o.id,
    { desc: q.order.endsWith(':desc'), limit: q.limit, cursor, resource, order: q.order },
  );
  const data = page.data.map((r) => clone(r.o));
  return { ...page, data: kind === 'tags' ? withUsage(store, data as GorgiasTagDefinition[]) : data };
}

export function getCoverage(store: AccountStore, kind: CoverageKind, id: number): unknown {
  const o = clone(store.coverage.visible<{ id: number }>(kind, id).o);
  return kind === 'tags' ? withUsage(store, [o as GorgiasTagDefinition])[0] : o;
}

/** What a full read of these lists fetches: items shown and pages of 100 (an empty list still costs a call). */
export function coverageStats(store: AccountStore, b: SimBehaviour) {
  const n = (kind: CoverageKind, q: Partial<CoverageListQuery> = {}) => coverageListed(store, kind, b, q).length;
  const counts = {
    users: n('users'),
    teams: n('teams'),
    tags: n('tags'),
    satisfactionSurveys: n('satisfaction-surveys'),
    customFields: n('custom-fields'),
    archivedCustomFields: n('custom-fields', { archived: true }),
  };
  const listPages = Object.values(counts).reduce((sum, k) => sum + Math.max(1, Math.ceil(k / 100)), 0);
  return { ...counts, listPages };
}
