import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { createHttpApp } from '../../src/http-app';
import { Role } from '../../src/auth/auth-user';
import { signToken } from '../../src/auth/auth.service';
import { createTestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef0123456789abcdef';
export const TEST_ENCRYPTION_KEYS = `t1:${Buffer.alloc(32, 7).toString('base64')}`;

export interface TestApp {
  app: INestApplication;
  url: string;
  databaseUrl: string;
  token(tenantId: string, role?: Role, expiresIn?: number | string): string;
  /** POST /graphql; returns the parsed body ({ data, errors }). */
  gql<T = any>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<{ data?: T; errors?: any }>;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule on a free port against a fresh database (or `databaseUrl` to share one
 * between instances). `env` overrides environment variables for this instance.
 */
export async function startTestApp(
  opts: { env?: Record<string, string>; databaseUrl?: string; defaultToken?: string; port?: number } = {},
): Promise<TestApp> {
  const db = opts.databaseUrl ? undefined : await createTestDatabase();
  const databaseUrl = opts.databaseUrl ?? db!.url;
  const previous = { ...process.env };
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    SECRETS_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    SYNC_SCHEDULER_ENABLED: 'false',
    // No scheduled verification unless a spec asks: its calls would add to every spec's call counts.
    VERIFY_EVERY_HOURS: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PORT: '0',
    ...opts.env,
  });
  let app: INestApplication;
  try {
    app = await createHttpApp({ logger: process.env.TEST_LOG_LEVEL ? ['error', 'warn', 'log'] : false });
    await app.listen(opts.port ?? 0, '127.0.0.1');
  } finally {
    process.env = previous;
  }
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const token = (tenantId: string, role: Role = 'admin', expiresIn: number | string = '1h') =>
    signToken({ tenantId, role }, TEST_JWT_SECRET, expiresIn);
  const defaultToken = opts.defaultToken;
  return {
    app,
    url,
    databaseUrl,
    token,
    gql: async (query, variables, tok = defaultToken) => {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as any;
    },
    close: async () => {
      await app.close();
      await db?.drop();
    },
  };
}

/** A port free right now (for an app whose public URL must be known before it starts). */
export { freePort } from '../../src/database/embedded-postgres';

export const randomTenant = (prefix = 'tenant') => `${prefix}-${randomBytes(4).toString('hex')}`;
