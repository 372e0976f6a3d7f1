import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { SecretCipher, SecretUnreadableError } from '../secrets/secret-cipher';
import { adviceFor } from './connection-advice';

export interface RotationResult {
  /** API keys now encrypted under the current key id. */
  reencrypted: number;
  /** API keys no configured key can read: their connectors were put in ERROR, asking for the key again. */
  unreadable: number;
}

/**
 * Re-encrypts every API key stored under a retired key id with the current one (the first of
 * SECRETS_ENCRYPTION_KEYS), so that retired keys can then be removed from the configuration. Each
 * row is updated only if it still holds what was read, so instances starting together (or a
 * connector saved meanwhile) never lose a write. Keys no configured key can read put their
 * connector in ERROR with the advice to enter the API key again.
 */
export async function reencryptRetiredKeys(dataSource: DataSource, cipher: SecretCipher): Promise<RotationResult> {
  const rows: { id: string; subdomain: string; api_key_ciphertext: string; api_key_key_id: string }[] = await dataSource.query(
    `SELECT id, subdomain, api_key_ciphertext, api_key_key_id FROM connectors
      WHERE api_key_key_id <> $1 AND api_key_key_id <> 'pending'`,
    [cipher.currentKeyId],
  );
  const result: RotationResult = { reencrypted: 0, unreadable: 0 };
  for (const row of rows) {
    let plaintext: string;
    try {
      plaintext = cipher.decrypt({ ciphertext: row.api_key_ciphertext, keyId: row.api_key_key_id }, row.id);
    } catch (e) {
      if (!(e instanceof SecretUnreadableError)) throw e;
      await markCredentialsUnreadable(dataSource, row.id, adviceFor(e, row.subdomain).message);
      result.unreadable++;
      continue;
    }
    const enc = cipher.encrypt(plaintext, row.id);
    const updated = await dataSource.query(
      `UPDATE connectors SET api_key_ciphertext = $2, api_key_key_id = $3, updated_at = now()
        WHERE id = $1 AND api_key_ciphertext = $4 AND api_key_key_id = $5 RETURNING id`,
      [row.id, enc.ciphertext, enc.keyId, row.api_key_ciphertext, row.api_key_key_id],
    );
    if (updated.length) result.reencrypted++;
  }
  return result;
}

/** ERROR (for a connector that syncs), with the advice in lastError; it waits for the user to enter the key. */
export async function markCredentialsUnreadable(dataSource: DataSource, connectorId: string, advice: string): Promise<void> {
  await dataSource.query(
    `UPDATE connectors SET status = CASE WHEN status = 'ACTIVE' THEN 'ERROR' ELSE status END,
            last_error = $2, last_error_code = 'CREDENTIALS_UNREADABLE',
            next_sync_at = CASE WHEN status IN ('ACTIVE', 'ERROR') THEN NULL ELSE next_sync_at END, updated_at = now()
      WHERE id = $1`,
    [connectorId, advice],
  );
}

/** Runs the re-encryption once at start-up (also available as `npm run secrets:reencrypt`). */
@Injectable()
export class CredentialRotationService implements OnApplicationBootstrap {
  private readonly logger = new Logger(CredentialRotationService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cipher: SecretCipher,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const r = await reencryptRetiredKeys(this.dataSource, this.cipher);
    if (r.reencrypted) this.logger.log(`re-encrypted ${r.reencrypted} API key(s) under key "${this.cipher.currentKeyId}"`);
    if (r.unreadable) this.logger.warn(`${r.unreadable} API key(s) cannot be decrypted with the configured keys; their connectors ask for the key again`);
  }
}
