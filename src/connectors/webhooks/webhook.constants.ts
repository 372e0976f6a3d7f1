import type { GorgiasWebhookTrigger } from '../../gorgias/gorgias.types';

/** Name of the HTTP integration in the customer's Gorgias account (shown in Settings > Integrations). */
export const WEBHOOK_INTEGRATION_NAME = 'cxconnect.ai Sync';
/**
 * The ticket changes Gorgias can announce; deletion and trash have none, so polling stays the safety net.
 * Issue 24: assignment (user or team) and status changes too, in case Gorgias does not count them as
 * `ticket-updated` (unknown); a change announced twice is one refresh request (keyed by ticket).
 */
export const WEBHOOK_TRIGGERS: GorgiasWebhookTrigger[] = [
  'ticket-created',
  'ticket-updated',
  'ticket-message-created',
  'ticket-assignment-updated',
  'ticket-status-updated',
];
/** The templated body: Gorgias renders `{{ticket.id}}` as the id, as a string. */
export const WEBHOOK_FORM = { ticket_id: '{{ticket.id}}' };
/** Route of the intake, under PUBLIC_BASE_URL. */
export const webhookPath = (connectorId: string) => `/webhooks/gorgias/${connectorId}`;
/** Stale integrations of ours (same URL, from an attempt whose answer was lost) are looked for in this many pages. */
export const MAX_INTEGRATION_PAGES = 5;
/**
 * Webhooks count as arriving (realtime.mode WEBHOOKS for a hand-made integration) while one was
 * received this recently. The poll does not depend on it: every SYNC_POLL_SECONDS either way, as
 * it is the only way in for deletions and for deliveries Gorgias dropped.
 */
export const WEBHOOKS_LIVE_FOR_MS = 30 * 60_000;
