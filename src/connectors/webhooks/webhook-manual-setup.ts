import { WEBHOOK_FORM, WEBHOOK_INTEGRATION_NAME } from './webhook.constants';

/**
 * The steps a Gorgias admin follows to add the webhook by hand, for the Admin Portal to show. The
 * secret is not in them: the portal gets it once from `rotateWebhookSecret`.
 */
export function manualSetupSteps(url: string, reason: string | null, pollSeconds: number): string {
  return [
    `${reason ?? 'Gorgias refused to create the webhook.'} Until it is added by hand, changes arrive by polling (every ${pollSeconds} s).`,
    'A Gorgias admin adds it in Gorgias: Settings > Integrations > HTTP integration > Add integration, with:',
    `- Name: ${WEBHOOK_INTEGRATION_NAME}`,
    `- URL: ${url}`,
    '- HTTP method: POST; request content type: application/json',
    '- Header: Authorization: Bearer <webhook secret> (run the rotateWebhookSecret mutation for this connector to get it; it is shown once)',
    '- Triggers: Ticket created, Ticket updated, Ticket message created',
    `- Request body: ${JSON.stringify(WEBHOOK_FORM)}`,
  ].join('\n');
}
