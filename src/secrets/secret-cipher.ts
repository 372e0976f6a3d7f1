import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface EncryptedSecret {
  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  ciphertext: string;
  /** Which key encrypted it, so keys can rotate: old ones keep decrypting, the first one encrypts. */
  keyId: string;
}

/** A stored secret this deployment cannot read: its key was retired, or the ciphertext was altered. */
export class SecretUnreadableError extends Error {}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;

/**
 * AES-256-GCM for secrets at rest (Gorgias API keys). Keys come from SECRETS_ENCRYPTION_KEYS as
 * `id:base64[,id:base64...]`. The connector id is bound as additional authenticated data, so a
 * ciphertext copied onto another row does not decrypt.
 */
export class SecretCipher {
  private readonly keys = new Map<string, Buffer>();
  private readonly activeKeyId: string;

  constructor(spec: string) {
    for (const part of spec
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      const [id, b64] = part.split(':');
      const key = Buffer.from(b64 ?? '', 'base64');
      if (!id || key.length !== 32) throw new Error(`SECRETS_ENCRYPTION_KEYS: key "${id}" must be 32 bytes, base64`);
      this.keys.set(id, key);
    }
    if (!this.keys.size) throw new Error('SECRETS_ENCRYPTION_KEYS: no key configured');
    this.activeKeyId = this.keys.keys().next().value!;
  }

  encrypt(plaintext: string, context: string): EncryptedSecret {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(context));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64url'));
    return { ciphertext: `v1.${parts.join('.')}`, keyId: this.activeKeyId };
  }

  /** The plaintext, or SecretUnreadableError (the key id is not configured, or the data does not authenticate). */
  decrypt(secret: EncryptedSecret, context: string): string {
    const key = this.keys.get(secret.keyId);
    if (!key) throw new SecretUnreadableError(`secret was encrypted with key "${secret.keyId}", which is no longer configured`);
    const [version, iv, tag, data] = secret.ciphertext.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new SecretUnreadableError('malformed encrypted secret');
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretUnreadableError(`secret encrypted with key "${secret.keyId}" does not authenticate`);
    }
  }

  /** The key id new secrets are encrypted with. */
  get currentKeyId(): string {
    return this.activeKeyId;
  }

  needsRotation(secret: EncryptedSecret): boolean {
    return secret.keyId !== this.activeKeyId;
  }
}
