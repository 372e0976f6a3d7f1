import { ConnectorStatus } from '../../connectors/entities/connector.entity';
import { connectorHealth, ConnectorHealthFacts, ConnectorHealthState } from './connector-health';

const NOW = new Date('2026-01-01T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const facts = (over: Partial<ConnectorHealthFacts> = {}): ConnectorHealthFacts => ({
  connectorId: 'c1',
  status: ConnectorStatus.ACTIVE,
  syncIntervalMinutes: 15,
  lastError: null,
  lastSuccessAt: minutesAgo(5),
  freshAsOf: minutesAgo(6),
  consecutiveFailures: 0,
  latestRunStatus: 'SUCCEEDED',
  latestRunError: null,
  latestRunErrorCode: null,
  latestRunRateLimitWaits: 0,
  ...over,
});

describe('connectorHealth', () => {
  it('is HEALTHY after a recent success', () => {
    expect(connectorHealth(facts(), NOW)).toEqual({
      state: ConnectorHealthState.HEALTHY,
      reason: null,
      consecutiveFailures: 0,
      lastSuccessAt: minutesAgo(5),
    });
  });

  it('is DEGRADED when stale beyond twice its interval, and says for how long', () => {
    const h = connectorHealth(facts({ lastSuccessAt: minutesAgo(31) }), NOW);
    expect(h.state).toBe(ConnectorHealthState.DEGRADED);
    expect(h.reason).toMatch(/31 min.*every 15 min/);
    expect(connectorHealth(facts({ lastSuccessAt: minutesAgo(29) }), NOW).state).toBe(ConnectorHealthState.HEALTHY);
  });

  it('is DEGRADED when rate-limited, whether the run waited out 429s or stopped on them', () => {
    expect(connectorHealth(facts({ latestRunRateLimitWaits: 2 }), NOW)).toMatchObject({
      state: 'DEGRADED',
      reason: expect.stringMatching(/2 Gorgias 429/),
    });
    expect(
      connectorHealth(facts({ latestRunStatus: 'FAILED', latestRunErrorCode: 'RATE_LIMITED', consecutiveFailures: 1 }), NOW).reason,
    ).toMatch(/^Rate-limited/);
  });

  it('is DEGRADED after one failure or while retrying, FAILING after three in a row or in ERROR', () => {
    expect(connectorHealth(facts({ consecutiveFailures: 1, latestRunError: 'Gorgias is unreachable.' }), NOW)).toMatchObject({
      state: 'DEGRADED',
      consecutiveFailures: 1,
    });
    expect(connectorHealth(facts({ latestRunStatus: 'QUEUED', latestRunError: 'timeout' }), NOW).reason).toMatch(/retrying after: timeout/);
    expect(connectorHealth(facts({ consecutiveFailures: 3, latestRunError: 'boom' }), NOW)).toMatchObject({
      state: 'FAILING',
      reason: 'The last 3 syncs failed: boom',
    });
    expect(connectorHealth(facts({ status: ConnectorStatus.ERROR, lastError: 'The API key was refused.' }), NOW)).toMatchObject({
      state: 'FAILING',
      reason: expect.stringMatching(/API key was refused/),
    });
  });

  it('does not flag paused or draft connectors, nor an initial sync still running', () => {
    expect(connectorHealth(facts({ status: ConnectorStatus.PAUSED, lastSuccessAt: minutesAgo(600) }), NOW).state).toBe('HEALTHY');
    expect(connectorHealth(facts({ status: ConnectorStatus.DRAFT, lastSuccessAt: null }), NOW).state).toBe('HEALTHY');
    expect(connectorHealth(facts({ lastSuccessAt: null, latestRunStatus: 'RUNNING' }), NOW)).toMatchObject({
      state: 'HEALTHY',
      reason: expect.stringMatching(/initial sync/),
    });
  });

  it('a draft whose connection check failed is DEGRADED with the check’s code, never HEALTHY', () => {
    const draft = facts({
      status: ConnectorStatus.DRAFT,
      lastSuccessAt: null,
      lastCheckOk: false,
      lastCheckCode: 'INVALID_CREDENTIALS',
      lastCheckMessage: 'Gorgias refused the email and API key.',
    });
    expect(connectorHealth(draft, NOW)).toMatchObject({ state: 'DEGRADED', reason: expect.stringMatching(/INVALID_CREDENTIALS.*refused/) });
    expect(connectorHealth({ ...draft, lastCheckOk: true }, NOW).state).toBe('HEALTHY');
  });
});
