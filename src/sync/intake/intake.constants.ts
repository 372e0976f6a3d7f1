/** Webhook bodies are `{"ticket_id": "123"}`: anything over this is not Gorgias's (413). */
export const WEBHOOK_MAX_BODY_BYTES = 4 * 1024;
/** Payload of the wake-up NOTIFY sent when a webhook was recorded: its refresh run is due after the coalescing window. */
export const REFRESH_WAKEUP_PAYLOAD = 'refresh';
/** Largest Gorgias id we accept (PostgreSQL bigint). */
export const MAX_TICKET_ID = 9_223_372_036_854_775_807n;
