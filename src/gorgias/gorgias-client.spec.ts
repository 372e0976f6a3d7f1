import { backoff, retryAfterMs } from './gorgias-retry';
import { toQuery } from './gorgias-query';
import { RETRY_CAP_MS } from './gorgias.constants';

describe('GorgiasClient retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0')).toBe(100);
    const inFiveSeconds = new Date(Date.now() + 5000).toUTCString();
    expect(retryAfterMs(inFiveSeconds)).toBeGreaterThan(3000);
    expect(retryAfterMs(inFiveSeconds)).toBeLessThanOrEqual(5000);
    expect(retryAfterMs(undefined)).toBeGreaterThan(0);
    expect(retryAfterMs('soon')).toBeGreaterThan(0);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoff(1, () => 0)).toBe(125);
    expect(backoff(1, () => 1)).toBe(250);
    expect(backoff(3, () => 1)).toBe(1000);
    expect(backoff(50, () => 1)).toBe(RETRY_CAP_MS);
    const samples = new Set(Array.from({ length: 20 }, () => backoff(4)));
    expect(samples.size).toBeGreaterThan(1);
  });
});

describe('GorgiasClient query parameters', () => {
  it('sends an array as repeated keys (as Gorgias reads `types`), never comma-joined; drops empty values', () => {
    const q = toQuery({
      types: ['ticket-trashed', 'ticket-merged'],
      'created_datetime[gte]': '2026-01-01T00:00:00.000Z',
      limit: 100,
      cursor: undefined,
      object_type: '',
    });
    expect(q.getAll('types')).toEqual(['ticket-trashed', 'ticket-merged']);
    expect(q.toString()).toBe('types=ticket-trashed&types=ticket-merged&created_datetime%5Bgte%5D=2026-01-01T00%3A00%3A00.000Z&limit=100');
  });
});
