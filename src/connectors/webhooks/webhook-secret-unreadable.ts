import { EncryptedSecret, SecretCipher, SecretUnreadableError } from '../../secrets/secret-cipher';
import { webhookSecretContext } from './webhook-secret';

/**
 * What a user reads (Connector.realtime.error and the sync log) when the connector's webhook secret
 * no configured key decrypts, typically after its encryption key was removed from
 * SECRETS_ENCRYPTION_KEYS before the secret was re-encrypted. No key change brings it back: the fix
 * is a new secret. Until then every delivery is refused (401), and Gorgias disables an integration
 * after 100 failures in a row, so this must not stay silent.
 */
export function unreadableWebhookSecretAdvice(reason: string): string {
  return (
    `The webhook secret can no longer be decrypted (${reason}), so Gorgias' webhooks for this connector are refused. ` +
    'Rotate it: rotateWebhookSecret makes a new one and registers our webhook in Gorgias again with it ' +
    '(a webhook added by hand needs the new secret in its Authorization header). Meanwhile the connector keeps syncing by polling.'
  );
}

/** Why the stored secret cannot be decrypted, or null when it can (or there is none). */
export function unreadableReason(cipher: SecretCipher, connectorId: string, secret: EncryptedSecret | null): string | null {
  if (!secret) return null;
  try {
    cipher.decrypt(secret, webhookSecretContext(connectorId));
    return null;
  } catch (e) {
    if (e instanceof SecretUnreadableError) return e.message;
    throw e;
  }
}
