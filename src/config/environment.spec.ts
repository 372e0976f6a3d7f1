import { EnvironmentError, parseEnvironment } from './environment';

const fails = (env: Record<string, string>) => {
  try {
    parseEnvironment(env);
  } catch (e) {
    expect(e).toBeInstanceOf(EnvironmentError);
    return (e as Error).message;
  }
  throw new Error('expected the environment to be refused');
};

describe('parseEnvironment', () => {
  it('PORT=abc gives one line naming the value', () => {
    const message = fails({ PORT: 'abc' });
    const lines = message.split('\n').filter((l) => l.includes('PORT'));
    expect(lines).toEqual(['  PORT: must be a number (got "abc")']);
    expect(message).not.toMatch(/null/);
  });

  it('an out-of-range port names the value given', () => {
    expect(fails({ PORT: '70000' })).toMatch(/PORT: .*65535.* \(got "70000"\)/);
  });

  it('database timeouts and the Gorgias budget share are validated at start-up', () => {
    expect(fails({ DB_STATEMENT_TIMEOUT_MS: 'soon' })).toMatch(/DB_STATEMENT_TIMEOUT_MS: must be a number \(got "soon"\)/);
    expect(fails({ DB_IDLE_IN_TRANSACTION_TIMEOUT_MS: '5' })).toMatch(/DB_IDLE_IN_TRANSACTION_TIMEOUT_MS/);
    expect(fails({ GORGIAS_BUDGET_SHARE: '1.5' })).toMatch(/GORGIAS_BUDGET_SHARE: must be a number between 0.1 and 1/);
    const env = parseEnvironment({});
    expect(env.DB_STATEMENT_TIMEOUT_MS).toBe(30_000);
    expect(env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS).toBe(120_000);
    expect(env.GORGIAS_BUDGET_SHARE).toBe(0.8);
    expect(parseEnvironment({ GORGIAS_BUDGET_SHARE: '0.5' }).GORGIAS_BUDGET_SHARE).toBe(0.5);
  });

  it('the webhook caps and rate limits are validated at start-up', () => {
    expect(fails({ WEBHOOK_MAX_PENDING_TICKETS: '0' })).toMatch(/WEBHOOK_MAX_PENDING_TICKETS: .* \(got "0"\)/);
    expect(fails({ WEBHOOK_REFRESH_CALLS_PER_MINUTE: '500' })).toMatch(/WEBHOOK_REFRESH_CALLS_PER_MINUTE: .*120/);
    expect(fails({ WEBHOOK_RATE_LIMIT_PER_CONNECTOR: 'lots' })).toMatch(/WEBHOOK_RATE_LIMIT_PER_CONNECTOR: must be a number/);
    expect(fails({ WEBHOOK_RATE_LIMIT_PER_ADDRESS: '10' })).toMatch(/WEBHOOK_RATE_LIMIT_PER_ADDRESS: .*60/);
    const env = parseEnvironment({});
    expect([env.WEBHOOK_MAX_PENDING_TICKETS, env.WEBHOOK_REFRESH_CALLS_PER_MINUTE]).toEqual([300, 40]);
    expect([env.WEBHOOK_RATE_LIMIT_PER_CONNECTOR, env.WEBHOOK_RATE_LIMIT_PER_ADDRESS]).toEqual([600, 6000]);
  });

  it('subscription caps are whole numbers of at least 1, with defaults', () => {
    expect(fails({ FEED_MAX_SUBSCRIPTIONS_PER_TENANT: '0' })).toMatch(/FEED_MAX_SUBSCRIPTIONS_PER_TENANT: .*\(got "0"\)/);
    expect(fails({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: 'many' })).toMatch(/WS_MAX_SUBSCRIPTIONS_PER_SOCKET: must be a number \(got "many"\)/);
    expect(fails({ WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '2.5' })).toMatch(/WS_MAX_SUBSCRIPTIONS_PER_SOCKET/);
    const env = parseEnvironment({});
    expect([env.FEED_MAX_SUBSCRIPTIONS_PER_TENANT, env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET]).toEqual([100, 20]);
    expect(parseEnvironment({ FEED_MAX_SUBSCRIPTIONS_PER_TENANT: '7' }).FEED_MAX_SUBSCRIPTIONS_PER_TENANT).toBe(7);
  });

  it('never shows a secret it refuses', () => {
    expect(fails({ AUTH_JWT_SECRET: 'short-secret' })).not.toContain('short-secret');
  });
});

describe('parseEnvironment in production', () => {
  const PRODUCTION = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://u:p@db:5432/cx',
    AUTH_JWT_SECRET: 'a'.repeat(64),
    SECRETS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 5).toString('base64')}`,
  };

  it('starts with real secrets and an https public address', () => {
    expect(parseEnvironment({ ...PRODUCTION, PUBLIC_BASE_URL: 'https://sync.example.com' }).PUBLIC_BASE_URL).toBe(
      'https://sync.example.com',
    );
  });

  it('refuses to start without its secrets, naming each', () => {
    const message = fails({ NODE_ENV: 'production', DATABASE_URL: PRODUCTION.DATABASE_URL });
    expect(message).toMatch(/AUTH_JWT_SECRET: is required in production \(make one with `openssl rand -hex 32`\)/);
    expect(message).toMatch(/SECRETS_ENCRYPTION_KEYS: is required in production/);
  });

  it('refuses the secrets docker-compose.yml used to default to, and anything marked change-me', () => {
    const compose = fails({
      ...PRODUCTION,
      AUTH_JWT_SECRET: 'compose-example-secret-change-me-0123456789abcdef',
      SECRETS_ENCRYPTION_KEYS: 'k1:Y29tcG9zZS1leGFtcGxlLWtleS1jaGFuZ2UtbWUhISE=', // base64 of "compose-example-key-change-me!!!"
    });
    expect(compose).toMatch(/AUTH_JWT_SECRET: is an example value anyone can read; make your own with `openssl rand -hex 32`/);
    expect(compose).toMatch(/SECRETS_ENCRYPTION_KEYS: holds an example key anyone can read/);
    expect(compose).not.toContain('compose-example');
    expect(fails({ ...PRODUCTION, AUTH_JWT_SECRET: 'please-CHANGE-ME-before-going-live-000000' })).toMatch(
      /AUTH_JWT_SECRET: is an example/,
    );
    const placeholderKey = `k1:${Buffer.from('0123456789-change-me-0123456789!').toString('base64')}`;
    expect(fails({ ...PRODUCTION, SECRETS_ENCRYPTION_KEYS: `${PRODUCTION.SECRETS_ENCRYPTION_KEYS},${placeholderKey}` })).toMatch(
      /SECRETS_ENCRYPTION_KEYS: holds an example key/,
    );
    // Development keeps accepting them: nothing there is exposed.
    expect(() => parseEnvironment({ AUTH_JWT_SECRET: 'compose-example-secret-change-me-0123456789abcdef' })).not.toThrow();
  });

  it('requires an https PUBLIC_BASE_URL (http only for loopback), saying how to fix it', () => {
    const message = fails({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://sync.example.com' });
    expect(message).toMatch(
      /PUBLIC_BASE_URL: must start with https:\/\/ in production .*http:\/\/ is accepted only for a loopback address/,
    );
    for (const loopback of ['http://127.0.0.1:3000', 'http://localhost:3000/base', 'http://[::1]:3000']) {
      expect(parseEnvironment({ ...PRODUCTION, PUBLIC_BASE_URL: loopback }).PUBLIC_BASE_URL).toBe(loopback);
    }
    expect(fails({ ...PRODUCTION, PUBLIC_BASE_URL: 'http://127.0.0.1.example.com' })).toMatch(/PUBLIC_BASE_URL: must start with https/);
    expect(parseEnvironment({ PUBLIC_BASE_URL: 'http://sync.example.com' }).PUBLIC_BASE_URL).toBe('http://sync.example.com');
  });
});
