import { Kind, SelectionSetNode } from 'graphql';
import type { ComplexityEstimatorArgs as NestEstimatorArgs } from '@nestjs/graphql';
import type { ComplexityEstimatorArgs as FullEstimatorArgs } from 'graphql-query-complexity';

/** Nest's type omits the field node that graphql-query-complexity passes (it is there at run time). */
type ComplexityEstimatorArgs = NestEstimatorArgs & Partial<Pick<FullEstimatorArgs, 'node'>>;
import { MAX_PAGE_SIZE } from '../../../common/pagination/page-size';

/**
 * What the ticket API costs, in complexity points (one point ~ one scalar read from a fetched row).
 * A list costs its page size times what each item asks for; the SQL that is not proportional to the
 * page is priced by what it reads:
 * - `tickets.totalCount` runs count(*) over every matching ticket of the tenant;
 * - a `search` checks up to SEARCH_WALK (2,000) of the newest tickets and their messages, then the GIN indexes;
 * - `totalCount` with a search counts every match, through the messages.
 */
export const TICKETS_TOTAL_COUNT_COST = 500;
export const SEARCH_COST = 1_000;
export const SEARCH_TOTAL_COUNT_COST = 2_000;

/**
 * The page size a connection field will really use, as its resolver decides it: `last` (or its
 * default) as soon as `last` or `before` is given, even `before: ""`; else `first` or the default.
 */
export function effectivePageSize(args: Record<string, unknown> | undefined, fallback: number): number {
  const pick = args?.last != null || args?.before != null ? args?.last : args?.first;
  const size = typeof pick === 'number' ? pick : fallback;
  return Math.min(Math.max(size, 1), MAX_PAGE_SIZE);
}

function selects(set: SelectionSetNode | undefined, name: string): boolean {
  return !!set?.selections.some((s) =>
    s.kind === Kind.FIELD ? s.name.value === name : s.kind === Kind.INLINE_FRAGMENT && selects(s.selectionSet, name),
  );
}

/**
 * Cost of a connection: its page times each item, plus `totalCount` once (not once per item).
 * `totalCountCost` must be the complexity declared on the connection's totalCount field.
 */
export const listComplexity =
  (fallback: number, totalCountCost = 1) =>
  (o: ComplexityEstimatorArgs): number => {
    const size = effectivePageSize(o.args, fallback);
    const counted = selects(o.node?.selectionSet, 'totalCount') ? totalCountCost : 0;
    return 1 + counted + size * Math.max(1, o.childComplexity - counted);
  };

/** `tickets`: the list, its count, and a search with its count priced by what they read. */
export const ticketsComplexity =
  (fallback: number) =>
  (o: ComplexityEstimatorArgs): number => {
    const base = listComplexity(fallback, TICKETS_TOTAL_COUNT_COST)(o);
    const search = (o.args?.filter as { search?: unknown } | undefined)?.search;
    if (typeof search !== 'string' || !search.trim()) return base;
    const counted = selects(o.node?.selectionSet, 'totalCount');
    return base + SEARCH_COST + (counted ? SEARCH_TOTAL_COUNT_COST : 0);
  };
