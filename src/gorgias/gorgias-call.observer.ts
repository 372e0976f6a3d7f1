import type { AxiosInstance } from 'axios';

/**
 * What the Gorgias client reports about its calls, for whoever watches them (metrics). Gorgias
 * code stays free of any metrics library; the observability module provides the implementation.
 */
export interface GorgiasCallObserver {
  /** Sees every request and answer of the axios instance the clients share. */
  instrument(http: AxiosInstance): void;
  /** Time a call waited for room in the account's rate-limit budget (pacing and Retry-After). */
  rateLimitWaited(seconds: number): void;
  /** The account budget of a connector's client, read at scrape time (0..1 of the limit in use). */
  trackBudget(connectorId: string, budgetInUse: () => number): void;
}

export const GORGIAS_CALL_OBSERVER = Symbol('GORGIAS_CALL_OBSERVER');
