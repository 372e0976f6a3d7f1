import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SecretCipher, SecretUnreadableError } from '../../secrets/secret-cipher';
import { adviceFor } from '../connection-advice';
import { ConnectorLifecycle } from '../connector-lifecycle';
import { ConnectorsRepository } from '../connectors.repository';
import { ConnectorWebhookRepository } from '../webhooks/connector-webhook.repository';
import { reencryptWebhookSecrets, WebhookSecretRotationResult } from './webhook-secret-rotation';

export interface RotationResult {
  /** API keys now encrypted under the current key id. */
  reencrypted: number;
  /** API keys no configured key can read: their connectors were put in ERROR, asking for the key again. */
  unreadable: number;
  /** The same for webhook secrets (`connector_webhooks`); unreadable ones are for the caller to report. */
  webhookSecrets: WebhookSecretRotationResult;
}

/**
 * Re-encrypts every secret stored under a retired key id with the current one (the first of
 * SECRETS_ENCRYPTION_KEYS): API keys and webhook secrets, so that retired keys can then be removed
 * from the configuration. Each row is replaced only if it still holds what was read, so instances
 * starting together (or a connector saved meanwhile) never lose a write. API keys no configured key
 * can read put their connector in ERROR with the advice to enter the API key again.
 */
export async function reencryptRetiredKeys(
  connectors: ConnectorsRepository,
  webhooks: ConnectorWebhookRepository,
  cipher: SecretCipher,
): Promise<RotationResult> {
  const result: RotationResult = { reencrypted: 0, unreadable: 0, webhookSecrets: { reencrypted: 0, unreadable: [] } };
  for (const row of await connectors.apiKeysNotUnder(cipher.currentKeyId)) {
    const key = { tenantId: row.tenantId, connectorId: row.id };
    const stored = { ciphertext: row.apiKeyCiphertext, keyId: row.apiKeyKeyId };
    let plaintext: string;
    try {
      plaintext = cipher.decrypt(stored, row.id);
    } catch (e) {
      if (!(e instanceof SecretUnreadableError)) throw e;
      await connectors.markCredentialsUnreadable(key, adviceFor(e, row.subdomain).message);
      result.unreadable++;
      continue;
    }
    if (await connectors.replaceApiKeyIf(key, stored, cipher.encrypt(plaintext, row.id))) result.reencrypted++;
  }
  result.webhookSecrets = await reencryptWebhookSecrets(webhooks, cipher);
  return result;
}

/** Runs the re-encryption once at start-up (also available as `npm run secrets:reencrypt`). */
@Injectable()
export class CredentialRotationService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CredentialRotationService.name);

  constructor(
    private readonly connectors: ConnectorsRepository,
    private readonly webhooks: ConnectorWebhookRepository,
    private readonly cipher: SecretCipher,
    private readonly lifecycle: ConnectorLifecycle,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const r = await reencryptRetiredKeys(this.connectors, this.webhooks, this.cipher);
    const key = this.cipher.currentKeyId;
    if (r.reencrypted) this.logger.log(`re-encrypted ${r.reencrypted} API key(s) under key "${key}"`);
    if (r.unreadable)
      this.logger.warn(`${r.unreadable} API key(s) cannot be decrypted with the configured keys; their connectors ask for the key again`);
    if (r.webhookSecrets.reencrypted) this.logger.log(`re-encrypted ${r.webhookSecrets.reencrypted} webhook secret(s) under key "${key}"`);
    // Each one goes to its connector's sync log (an ERROR line with the fix), where its users look.
    for (const u of r.webhookSecrets.unreadable) {
      await this.lifecycle.webhookChanged({ id: u.connectorId, tenantId: u.tenantId }, { state: 'UNREADABLE', reason: u.reason });
    }
  }
}
