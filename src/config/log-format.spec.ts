import { wantsPrettyLogs } from './log-format';

describe('wantsPrettyLogs', () => {
  it('is human-readable only for a terminal in development by default', () => {
    expect(wantsPrettyLogs(undefined, 'development', true)).toBe(true);
    expect(wantsPrettyLogs(undefined, 'development', false)).toBe(false);
    expect(wantsPrettyLogs(undefined, 'production', true)).toBe(false);
    expect(wantsPrettyLogs(undefined, 'test', true)).toBe(false);
  });
  it('follows LOG_PRETTY when it is set', () => {
    expect(wantsPrettyLogs(false, 'development', true)).toBe(false);
    expect(wantsPrettyLogs(true, 'production', false)).toBe(true);
  });
});
