import type { ComplexityEstimatorArgs } from '@nestjs/graphql';
import { MAX_PAGE_SIZE } from '../../../common/pagination/page-size';

/**
 * What the coverage fields cost, in complexity points (see tickets-cost.ts). Lists without paging
 * are priced at the size they are expected to reach, so a query over a page of tickets pays for them:
 * - a ticket's tags and custom field values: up to PER_TICKET_LIST_ITEMS each;
 * - a connector's agents, teams or tags: up to MAX_PAGE_SIZE items (larger accounts answer more rows, at this price).
 * `history` is a paged connection, priced like `messages` (listComplexity).
 */
export const PER_TICKET_LIST_ITEMS = 10;

export const perTicketListComplexity = (o: ComplexityEstimatorArgs): number => 1 + PER_TICKET_LIST_ITEMS * Math.max(1, o.childComplexity);

export const directoryListComplexity = (o: ComplexityEstimatorArgs): number => 1 + MAX_PAGE_SIZE * Math.max(1, o.childComplexity);
