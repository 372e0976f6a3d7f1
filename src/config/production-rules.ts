import { isIP } from 'node:net';

/**
 * Secrets that were published with the repository (docker-compose.yml's former defaults). Anyone
 * with the code could sign admin tokens or decrypt API keys with them, so production refuses them
 * even though they are well-formed.
 */
const PUBLISHED_SECRETS = new Set(['compose-example-secret-change-me-0123456789abcdef', 'Y29tcG9zZS1leGFtcGxlLWtleS1jaGFuZ2UtbWUhISE=']);
/** Placeholder marker: examples say "change me" so that nobody ships them. */
const PLACEHOLDER = /change-?me/i;

export interface ProductionSettings {
  AUTH_JWT_SECRET?: string;
  SECRETS_ENCRYPTION_KEYS?: string;
  DATABASE_URL?: string;
  PUBLIC_BASE_URL?: string;
}

/**
 * What NODE_ENV=production requires beyond well-formed values: real secrets (not the published
 * examples), an external database, and an https public address, since Gorgias sends the webhook
 * secret with every delivery. One line per problem, naming the variable and the fix.
 */
export function productionProblems(env: ProductionSettings): string[] {
  const problems: string[] = [];
  if (!env.AUTH_JWT_SECRET) problems.push('  AUTH_JWT_SECRET: is required in production (make one with `openssl rand -hex 32`)');
  else if (isExampleSecret(env.AUTH_JWT_SECRET)) {
    problems.push('  AUTH_JWT_SECRET: is an example value anyone can read; make your own with `openssl rand -hex 32`');
  }
  if (!env.SECRETS_ENCRYPTION_KEYS) {
    problems.push('  SECRETS_ENCRYPTION_KEYS: is required in production (make one with `echo "k1:$(openssl rand -base64 32)"`)');
  } else if (encryptionKeys(env.SECRETS_ENCRYPTION_KEYS).some(isExampleSecret)) {
    problems.push(
      '  SECRETS_ENCRYPTION_KEYS: holds an example key anyone can read; make your own with `echo "k1:$(openssl rand -base64 32)"`',
    );
  }
  if (!env.DATABASE_URL) problems.push('  DATABASE_URL: is required in production (the embedded database is for development)');
  if (env.PUBLIC_BASE_URL && !acceptablePublicUrl(env.PUBLIC_BASE_URL)) {
    problems.push(
      '  PUBLIC_BASE_URL: must start with https:// in production (Gorgias sends the webhook secret with every delivery); ' +
        'http:// is accepted only for a loopback address such as http://127.0.0.1:3000',
    );
  }
  return problems;
}

/** Each key's base64 text and what it decodes to: an example key may hide its marker in either. */
function encryptionKeys(spec: string): string[] {
  return spec.split(',').flatMap((part) => {
    const b64 = part.slice(part.indexOf(':') + 1).trim();
    return [b64, Buffer.from(b64, 'base64').toString('latin1')];
  });
}

function isExampleSecret(value: string): boolean {
  return PUBLISHED_SECRETS.has(value.trim()) || PLACEHOLDER.test(value);
}

/** https anywhere; http only where nothing but this machine can listen in. */
function acceptablePublicUrl(raw: string): boolean {
  const url = new URL(raw);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopback(url.hostname);
}

export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}
