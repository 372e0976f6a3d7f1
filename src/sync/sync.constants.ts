/** Limits of the sync engine, in one place. */

/** Gorgias' maximum page size: every list is read 100 at a time. */
export const PAGE_SIZE = 100;
/** Re-read this far behind a stored watermark: equal timestamps and late writes are not missed. */
export const WATERMARK_OVERLAP_MS = 5 * 60_000;
/**
 * Of SYNC_MAX_CONCURRENT_RUNS, the slots initial and FULL runs never take: polls and webhook
 * refreshes of other connectors are never starved by large initial syncs.
 */
export const SHORT_RUN_SLOTS = 2;
/** How far past a run's start a watermark may be (clock skew between Gorgias and us); later records are clamped. */
export const WATERMARK_FUTURE_SKEW_MS = 2 * 60_000;
/** A run whose transient failures (Gorgias down, timeouts) repeat this often is marked FAILED. */
export const MAX_RUN_ATTEMPTS = 5;
/**
 * A run whose lease expired this many times without its instance recording an outcome (a crash,
 * or a failure before the run could report) is marked FAILED rather than claimed again forever.
 */
export const MAX_CLAIM_ATTEMPTS = MAX_RUN_ATTEMPTS * 2;
/** Delay before a run that failed transiently is retried from its checkpoint: base * 2^(attempt-1). */
export const RETRY_BASE_DELAY_MS = 30_000;
export const RETRY_MAX_DELAY_MS = 10 * 60_000;
/** After a failed run, the connector is tried again no later than this. */
export const FAILED_RUN_RESCHEDULE_MS = 5 * 60_000;
/** Tickets whose stored messages differ from `messages_count`, re-read one by one per run at most. */
export const MAX_RECONCILED_TICKETS_PER_RUN = 50;
/**
 * Trashed tickets whose messages are missing (Gorgias may leave them out of /api/messages), read one by
 * one per run at most: an expected cost (one call each), so not held to the cap above.
 */
export const MAX_TRASHED_TICKETS_READ_PER_RUN = 10_000;
/** Progress is published at least this often while a run is active. */
export const PROGRESS_INTERVAL_MS = 1_000;
/** PostgreSQL channels (LISTEN/NOTIFY) shared by every gateway instance. */
export const PROGRESS_CHANNEL = 'cx_sync_progress';
export const WAKEUP_CHANNEL = 'cx_sync_wakeup';
/** Ids of events already handled within the overlap window, kept so the next run does not handle them again. */
export const MAX_REMEMBERED_EVENT_IDS = 2_000;
/** How often an instance deletes sync history past SYNC_HISTORY_RETENTION_DAYS (idempotent across instances). */
export const HISTORY_PRUNE_INTERVAL_MS = 60 * 60_000;
/**
 * API pages a list walk writes in one transaction when they are read already (never waited for):
 * one checkpoint, one change-feed record and one commit for up to 500 rows instead of one per 100,
 * which is what separated the ingest from COPY (about 11 statements and a commit per page). Small
 * enough that a batch replayed after a crash, or row by row around a poison row, stays cheap.
 */
export const PAGES_PER_TRANSACTION = 5;
