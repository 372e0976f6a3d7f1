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

  it('never shows a secret it refuses', () => {
    expect(fails({ AUTH_JWT_SECRET: 'short-secret' })).not.toContain('short-secret');
  });
});
