import { SecretCipher, SecretUnreadableError } from '../../secrets/secret-cipher';
import { ConnectorWebhookRepository } from '../webhooks/connector-webhook.repository';
import { webhookSecretContext } from '../webhooks/webhook-secret';

/** A connector whose webhook secret no configured key decrypts: Gorgias' deliveries to it can only be refused. */
export interface UnreadableWebhookSecret {
  connectorId: string;
  tenantId: string;
  /** Why (e.g. `secret was encrypted with key "k0", which is no longer configured`). */
  reason: string;
}

export interface WebhookSecretRotationResult {
  reencrypted: number;
  unreadable: UnreadableWebhookSecret[];
}

/**
 * Re-encrypts every webhook secret stored under a retired key id with the current one (AAD
 * `webhook:<connectorId>`, as when it was made), so that the retired key can be removed without
 * breaking real-time updates. A row is replaced only if it still holds what was read (a rotation
 * meanwhile wins). Secrets no configured key reads are returned, for the caller to report: they
 * need a new secret (rotateWebhookSecret), which no key change can bring back.
 */
export async function reencryptWebhookSecrets(
  webhooks: ConnectorWebhookRepository,
  cipher: SecretCipher,
): Promise<WebhookSecretRotationResult> {
  const result: WebhookSecretRotationResult = { reencrypted: 0, unreadable: [] };
  for (const row of await webhooks.secretsNotUnder(cipher.currentKeyId)) {
    const context = webhookSecretContext(row.connectorId);
    let plaintext: string;
    try {
      plaintext = cipher.decrypt(row.secret, context);
    } catch (e) {
      if (!(e instanceof SecretUnreadableError)) throw e;
      result.unreadable.push({ connectorId: row.connectorId, tenantId: row.tenantId, reason: e.message });
      continue;
    }
    if (await webhooks.replaceSecretIf(row, row.secret, cipher.encrypt(plaintext, context))) result.reencrypted++;
  }
  return result;
}
