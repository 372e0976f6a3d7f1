import { Q } from './api.js';
import { ago, el, showError } from './dom.js';

/**
 * How changes reach the connector: webhooks registered or not and why, the last delivery, the steps
 * to add the webhook by hand, and (admins) a new webhook secret, shown once.
 */
export function realtimePanel(api, c, { role }) {
  const r = c.realtime;
  if (!r?.mode) return null;
  const why = r.error
    ? r.error
    : r.mode === 'WEBHOOKS'
      ? 'Gorgias announces changes; they are read again within seconds. Polling about every minute stays as the safety net for deliveries Gorgias drops.'
      : !r.webhookUrl
        ? 'Webhooks are off: the gateway has no public address (PUBLIC_BASE_URL is not set), so Gorgias cannot reach it. Changes arrive with the next poll, about every minute.'
        : r.manualSetup
          ? 'Gorgias refused to register the webhook (the API key is not an administrator’s): add it by hand with the steps below.'
          : 'No webhook delivery in the last 30 minutes: changes arrive with the next poll.';
  const secret = el('div', { 'aria-live': 'polite' });
  const rotate =
    role === 'admin' && r.webhookUrl
      ? el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            onclick: async (e) => {
              e.target.disabled = true;
              try {
                const value = (await api.gql(Q.rotate, { id: c.id })).rotateWebhookSecret;
                // A webhook we registered is registered again with it; one added by hand needs it pasted.
                const where = r.manualSetup
                  ? 'put it in the Authorization header of the webhook you added by hand.'
                  : 'the webhook registered in Gorgias was given it; a webhook added by hand needs it in its Authorization header.';
                secret.replaceChildren(
                  el('p', {}, `The new secret, shown this once (the old one stops working): ${where}`),
                  el('code', { class: 'secret wrap' }, value),
                );
              } catch (err) {
                showError(secret, err);
              } finally {
                e.target.disabled = false;
              }
            },
          },
          'Rotate webhook secret',
        )
      : null;
  return el(
    'section',
    { class: 'realtime', 'aria-labelledby': 'realtime-h', 'data-testid': 'realtime' },
    el('h3', { id: 'realtime-h' }, `Real-time updates: ${r.mode === 'WEBHOOKS' ? 'webhooks' : 'polling'}`),
    el('p', { class: r.error ? 'error wrap' : 'wrap' }, why),
    el('p', { class: 'muted' }, `Last webhook delivery: ${r.lastWebhookAt ? ago(r.lastWebhookAt) : 'none yet'}.`),
    r.webhookUrl ? el('p', { class: 'muted wrap' }, `Webhook address: ${r.webhookUrl}`) : null,
    r.manualSetup ? el('details', {}, el('summary', {}, 'Add the webhook by hand'), el('p', { class: 'wrap pre' }, r.manualSetup)) : null,
    rotate,
    secret,
  );
}
