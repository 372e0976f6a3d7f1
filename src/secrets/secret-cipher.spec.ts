import { randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher';

const key = () => randomBytes(32).toString('base64');

describe('SecretCipher', () => {
  it('round-trips and never stores the plaintext', () => {
    const cipher = new SecretCipher(`k1:${key()}`);
    const enc = cipher.encrypt('gorgias-api-key-1234', 'connector-a');
    expect(enc.keyId).toBe('k1');
    expect(enc.ciphertext).not.toContain('gorgias-api-key-1234');
    expect(cipher.decrypt(enc, 'connector-a')).toBe('gorgias-api-key-1234');
  });

  it('uses a fresh IV each time', () => {
    const cipher = new SecretCipher(`k1:${key()}`);
    expect(cipher.encrypt('same', 'c').ciphertext).not.toBe(cipher.encrypt('same', 'c').ciphertext);
  });

  it('refuses a ciphertext moved to another connector or tampered with', () => {
    const cipher = new SecretCipher(`k1:${key()}`);
    const enc = cipher.encrypt('secret', 'connector-a');
    expect(() => cipher.decrypt(enc, 'connector-b')).toThrow();
    const tampered = { ...enc, ciphertext: enc.ciphertext.slice(0, -2) + (enc.ciphertext.endsWith('A') ? 'BB' : 'AA') };
    expect(() => cipher.decrypt(tampered, 'connector-a')).toThrow();
  });

  it('rotates: a new first key encrypts, the old one still decrypts', () => {
    const oldKey = key();
    const before = new SecretCipher(`old:${oldKey}`);
    const enc = before.encrypt('secret', 'c');
    const after = new SecretCipher(`new:${key()},old:${oldKey}`);
    expect(after.decrypt(enc, 'c')).toBe('secret');
    expect(after.needsRotation(enc)).toBe(true);
    expect(after.encrypt('secret', 'c').keyId).toBe('new');
  });

  it('names the missing key', () => {
    const enc = new SecretCipher(`gone:${key()}`).encrypt('s', 'c');
    expect(() => new SecretCipher(`k1:${key()}`).decrypt(enc, 'c')).toThrow(/"gone"/);
  });

  it('rejects keys of the wrong size', () => {
    expect(() => new SecretCipher(`k1:${Buffer.alloc(16).toString('base64')}`)).toThrow(/32 bytes/);
  });
});
