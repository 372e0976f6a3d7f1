/** Limits of the Gorgias API and of how we call it, in one place (see docs/gorgias-api.md). */

/** Documented default for API-key integrations: 40 calls per 20 s (leaky bucket per account). */
export const DEFAULT_RATE_LIMIT = 40;
export const DEFAULT_RATE_WINDOW_MS = 20_000;
/** Default share of the account's bucket our calls may fill (GORGIAS_BUDGET_SHARE); the rest is the account's other tools'. */
export const DEFAULT_BUDGET_SHARE = 0.8;
/** A pacer nobody used for this long is dropped (its account may never be called again from this instance). */
export const PACER_IDLE_EVICT_MS = 10 * 60_000;
/** The pacer measures the drain rate over readings at least this far apart. */
export const PACER_MIN_SAMPLE_MS = 2_000;
/** ...or once this many calls have drained between readings. */
export const PACER_MIN_SAMPLE_CALLS = 5;
/**
 * A level read longer ago than this is stale (others may have filled the bucket since): with a call in
 * flight, the next waits for its answer instead of going on the old reading.
 */
export const PACER_STALE_READING_MS = 2_000;
/**
 * With nothing in flight and no reading for this long, one call may go to read the level even if the old
 * reading says there is no room: the bucket has drained 10 calls since at the documented 40 / 20 s, more
 * than the 20 % of it our share leaves others. Without it a wrong low drain estimate waits for minutes.
 */
export const PACER_PROBE_MS = 5_000;
/** Header carrying `used/limit` on every answer. */
export const RATE_LIMIT_HEADER = 'x-gorgias-account-api-call-limit';
/** Largest page the lists accept. */
export const MAX_PAGE_LIMIT = 100;
/** Retry backoff for 5xx, timeouts and cut connections: full jitter over base * 2^attempt, capped. */
export const RETRY_BASE_MS = 250;
export const RETRY_CAP_MS = 15_000;
/** 429s answered in a row for one call before we give up with RATE_LIMITED. */
export const MAX_RATE_LIMIT_WAITS_PER_CALL = 8;
/** Used when a 429 comes without a usable Retry-After. */
export const DEFAULT_RETRY_AFTER_MS = 5_000;
/** An upper bound on Retry-After we honour within one call; beyond it the call fails as RATE_LIMITED. */
export const MAX_RETRY_AFTER_MS = 120_000;
