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
