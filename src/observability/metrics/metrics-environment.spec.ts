import { parseEnvironment } from '../../config/environment';

describe('metrics settings in the environment', () => {
  it('are off by default', () => {
    const env = parseEnvironment({});
    expect([env.METRICS_TOKEN, env.METRICS_PORT, env.METRICS_HOST]).toEqual([undefined, undefined, '0.0.0.0']);
  });

  it('accept a token and a separate port', () => {
    const env = parseEnvironment({ METRICS_TOKEN: 'a'.repeat(24), METRICS_PORT: '9464' });
    expect([env.METRICS_TOKEN, env.METRICS_PORT]).toEqual(['a'.repeat(24), 9464]);
  });

  it('refuse a short token without echoing it, a bad port, and the API port, naming each variable', () => {
    expect(() => parseEnvironment({ METRICS_TOKEN: 'short-secret' })).toThrow(
      /METRICS_TOKEN: must be at least 16 characters .*\(got a value that is not shown\)/,
    );
    expect(() => parseEnvironment({ METRICS_TOKEN: 'short-secret' })).not.toThrow(/short-secret/);
    expect(() => parseEnvironment({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT: must not be greater than 65535/);
    expect(() => parseEnvironment({ METRICS_PORT: 'abc' })).toThrow(/METRICS_PORT/);
    expect(() => parseEnvironment({ PORT: '8080', METRICS_PORT: '8080' })).toThrow(/METRICS_PORT: must differ from PORT/);
  });
});
