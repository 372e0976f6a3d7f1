import { bearerOf, newWebhookSecret, secretsMatch } from './webhook-secret';

describe('webhook secret', () => {
  it('is random, URL-safe and long enough', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^cxw_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });

  it('matches only itself, whatever the length presented', () => {
    const s = newWebhookSecret();
    expect(secretsMatch(s, s)).toBe(true);
    expect(secretsMatch(`${s}x`, s)).toBe(false);
    expect(secretsMatch(s.slice(0, -1), s)).toBe(false);
    expect(secretsMatch('', s)).toBe(false);
  });

  it('reads only a Bearer authorization', () => {
    expect(bearerOf('Bearer abc')).toBe('abc');
    expect(bearerOf('bearer abc ')).toBe('abc');
    expect(bearerOf(['Bearer abc'])).toBe('abc');
    expect(bearerOf('Basic abc')).toBeNull();
    expect(bearerOf('abc')).toBeNull();
    expect(bearerOf('Bearer a b')).toBeNull();
    expect(bearerOf(undefined)).toBeNull();
    expect(bearerOf(`Bearer ${'x'.repeat(600)}`)).toBeNull();
  });
});
