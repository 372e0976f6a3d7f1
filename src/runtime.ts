import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { loadOrCreateDevelopmentSecrets } from './config/development-secrets';
import { Environment, parseEnvironment } from './config/environment';
import { startEmbeddedPostgres } from './database/embedded-postgres';

export interface Runtime {
  env: Environment;
  embedded: boolean;
  /** The JWT secret was generated for development: print a ready token. */
  generatedJwtSecret: boolean;
  stop(): Promise<void>;
}

/**
 * Everything that must exist before Nest starts: `.env` loaded, the environment validated, and in
 * development the embedded PostgreSQL and generated secrets put in place of what is not configured.
 */
export async function prepareRuntime(log: (msg: string) => void): Promise<Runtime> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let env = parseEnvironment(process.env); // throws EnvironmentError naming each bad variable
  let stop = (): Promise<void> => Promise.resolve();
  let embedded = false;
  const generatedJwtSecret = !env.AUTH_JWT_SECRET;
  if (!env.AUTH_JWT_SECRET || !env.SECRETS_ENCRYPTION_KEYS) {
    const secrets = loadOrCreateDevelopmentSecrets(env.DATA_DIR);
    process.env.AUTH_JWT_SECRET ||= secrets.jwtSecret;
    process.env.SECRETS_ENCRYPTION_KEYS ||= secrets.encryptionKeys;
    log(`development secrets: ${path.resolve(env.DATA_DIR, 'dev-secrets.json')}`);
  }
  if (!env.DATABASE_URL) {
    const started = Date.now();
    const db = await startEmbeddedPostgres(path.join(env.DATA_DIR, 'postgres'));
    process.env.DATABASE_URL = db.url;
    stop = db.stop;
    embedded = true;
    log(`embedded PostgreSQL on 127.0.0.1:${db.port} (${path.resolve(env.DATA_DIR, 'postgres')}), ${Date.now() - started} ms`);
  }
  env = parseEnvironment(process.env);
  return { env, embedded, generatedJwtSecret, stop };
}
