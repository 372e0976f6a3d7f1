/** Webhook bodies are `{"ticket_id": "123"}`: anything over this is not Gorgias's (413). */
export const WEBHOOK_MAX_BODY_BYTES = 4 * 1024;
/** NOTIFY channel: a ticket refresh was requested for the connector in the payload. */
export const REFRESH_CHANNEL = 'cx_sync_refresh';
/** Largest Gorgias id we accept (PostgreSQL bigint). */
export const MAX_TICKET_ID = 9_223_372_036_854_775_807n;
