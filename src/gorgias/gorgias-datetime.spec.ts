import { datetimeMs, normalizeDatetimes, toUtcDatetime } from './gorgias-datetime';

describe('Gorgias datetimes', () => {
  it('reads a datetime without offset as UTC and keeps its microseconds', () => {
    expect(toUtcDatetime('2020-01-27T10:42:21.468912')).toBe('2020-01-27T10:42:21.468912Z');
    expect(datetimeMs('2020-01-27T10:42:21.468912')).toBe(Date.UTC(2020, 0, 27, 10, 42, 21, 468));
  });

  it('leaves datetimes with an offset as they are', () => {
    expect(toUtcDatetime('2021-11-02T21:58:43.171610+00:00')).toBe('2021-11-02T21:58:43.171610+00:00');
    expect(toUtcDatetime('2021-11-02T21:58:43Z')).toBe('2021-11-02T21:58:43Z');
    expect(datetimeMs('2021-11-02T23:58:43.000+02:00')).toBe(datetimeMs('2021-11-02T21:58:43Z'));
    expect(toUtcDatetime(null)).toBeNull();
  });

  it('normalizes the *_datetime fields of an object only', () => {
    const t = normalizeDatetimes({ id: 1, created_datetime: '2020-01-01T00:00:00', subject: '2020-01-01T00:00:00', closed_datetime: null });
    expect(t).toEqual({ id: 1, created_datetime: '2020-01-01T00:00:00Z', subject: '2020-01-01T00:00:00', closed_datetime: null });
  });
});
