import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SecretCipher, SecretUnreadableError } from '../secrets/secret-cipher';
import { adviceFor } from './connection-advice';
import { ConnectorsRepository } from './connectors.repository';

export interface RotationResult {
  /** API keys now encrypted under the current key id. */
  reencrypted: number;
  /** API keys no configured key can read: their connectors were put in ERROR, asking for the key again. */
  unreadable: number;
}

/**
 * Re-encrypts every API key stored under a retired key id with the current one (the first of
 * SECRETS_ENCRYPTION_KEYS), so that retired keys can then be removed from the configuration. Each
 * row is replaced only if it still holds what was read, so instances starting together (or a
 * connector saved meanwhile) never lose a write. Keys no configured key can read put their
 * connector in ERROR with the advice to enter the API key again.
 */
export async function reencryptRetiredKeys(connectors: ConnectorsRepository, cipher: SecretCipher): Promise<RotationResult> {
  const result: RotationResult = { reencrypted: 0, unreadable: 0 };
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
  return result;
}

/** Runs the re-encryption once at start-up (also available as `npm run secrets:reencrypt`). */
@Injectable()
export class CredentialRotationService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CredentialRotationService.name);

  constructor(
    private readonly connectors: ConnectorsRepository,
    private readonly cipher: SecretCipher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const r = await reencryptRetiredKeys(this.connectors, this.cipher);
    if (r.reencrypted) this.logger.log(`re-encrypted ${r.reencrypted} API key(s) under key "${this.cipher.currentKeyId}"`);
    if (r.unreadable)
      this.logger.warn(`${r.unreadable} API key(s) cannot be decrypted with the configured keys; their connectors ask for the key again`);
  }
}
