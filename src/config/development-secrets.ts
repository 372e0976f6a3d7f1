import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

export interface DevelopmentSecrets {
  jwtSecret: string;
  encryptionKeys: string;
}

/**
 * In development, secrets that were not configured are generated once and kept in the data folder,
 * so tokens and encrypted API keys survive restarts. Production refuses to start without them.
 */
export function loadOrCreateDevelopmentSecrets(dataDir: string): DevelopmentSecrets {
  const file = path.resolve(dataDir, 'dev-secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevelopmentSecrets;
  mkdirSync(path.dirname(file), { recursive: true });
  const secrets: DevelopmentSecrets = {
    jwtSecret: randomBytes(32).toString('hex'),
    encryptionKeys: `dev1:${randomBytes(32).toString('base64')}`,
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
