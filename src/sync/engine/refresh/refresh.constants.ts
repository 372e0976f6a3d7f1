/** How webhook-announced changes are re-read (see refresh.stage.ts and docs). */

/** The first webhook of a quiet connector waits this long for the others of the same burst: they make one run. */
export const REFRESH_COALESCE_MS = 300;
/** ...each new ticket of the burst restarting that wait, but at most this long after its oldest request (burst-due.ts). */
export const REFRESH_COALESCE_MAX_MS = 3_000;
/** Up to this many distinct tickets: one `GET /api/tickets/{id}` each (messages embedded). */
export const REFRESH_GET_MAX_TICKETS = 5;
/**
 * Up to this many: read in batches of 100 with `GET /api/tickets?ticket_ids=...` plus the newest
 * messages. Above: the connector's normal incremental walk is cheaper (it runs instead).
 */
export const REFRESH_BATCH_MAX_TICKETS = 300;
/** The batch reads messages created down to this long before the oldest webhook (delivery delays, clock skew). */
export const REFRESH_MESSAGES_MARGIN_MS = 30_000;
/** ...in at most this many pages; a ticket whose messages are still short is read on its own. */
export const REFRESH_MAX_MESSAGE_PAGES = 3;
/** Successful REFRESH runs (and their log line) are kept this long, the other runs SYNC_HISTORY_RETENTION_DAYS. */
export const REFRESH_RUN_RETENTION_DAYS = 2;
/** A refresh request held this long (its connector not ACTIVE since) is deleted: the connector's next walk reads the change. */
export const WEBHOOK_REQUEST_MAX_AGE_MS = 24 * 60 * 60_000;
/** How often each scheduler instance deletes what webhooks left behind (old requests, rate counters, 404 memories). */
export const WEBHOOK_BACKLOG_PRUNE_INTERVAL_MS = 5 * 60_000;
/**
 * A ticket id Gorgias answered 404 for (forged, deleted or merged away) is skipped at the intake this
 * long: repeating it costs the sender nothing but the 202. Short, as a forged id just above the newest
 * ticket may become real; the refresh's first page and the polls read such a ticket anyway.
 */
export const WEBHOOK_MISSING_TICKET_TTL_MS = 60 * 60_000;
/**
 * A webhook for a ticket re-read less than this ago is due only this long after that read: one id
 * posted over and over makes a run every few seconds, not one per delivery, while a real second
 * change (a reply, then a status change) shows at most this much later. Under
 * REFRESH_MESSAGES_MARGIN_MS, so the batch's messages window still covers the change.
 */
export const REFRESH_REREAD_DEFER_MS = 3_000;
