import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 random bytes: the bearer secret Gorgias sends with every webhook of one connector. */
export function newWebhookSecret(): string {
  return `cxw_${randomBytes(32).toString('base64url')}`;
}

/** Associated data of the secret's ciphertext: it only decrypts on its own connector, and never as an API key. */
export const webhookSecretContext = (connectorId: string) => `webhook:${connectorId}`;

/**
 * Compares in constant time. Both sides are hashed first so their lengths match whatever was sent
 * (timingSafeEqual needs equal lengths, and an early length check would leak the length).
 */
export function secretsMatch(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <secret>` → the secret, or null. */
export function bearerOf(header: string | string[] | undefined): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S{1,512})\s*$/i.exec(value ?? '');
  return m ? m[1] : null;
}
