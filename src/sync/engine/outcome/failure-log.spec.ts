import { SyncLogLevel } from '../../sync-run.types';
import { gaveUpLine, retryLine } from './failure-log';

const now = new Date('2026-12-03T08:00:00.250Z');

describe('failure log lines', () => {
  it('a first retry is a WARN with the next try time; a later one an ERROR with the attempt', () => {
    expect(retryLine({ advice: 'Gorgias is down.', attempt: 1, maxAttempts: 5, delayMs: 30_000, now })).toEqual({
      level: SyncLogLevel.WARN,
      message: 'Gorgias is down. The sync will resume from where it stopped at 2026-12-03T08:00:30Z (in 30 s; attempt 1 of 5).',
    });
    expect(retryLine({ advice: 'Gorgias is down.', attempt: 2, maxAttempts: 5, delayMs: 60_000, now })).toEqual({
      level: SyncLogLevel.ERROR,
      message:
        'Sync attempt 2 of 5 failed, and failed before: Gorgias is down. Next try at 2026-12-03T08:01:00Z (in 60 s), from where it stopped.',
    });
  });

  it('giving up names the last attempt and the next scheduled try, or that only a fix brings one', () => {
    const next = new Date('2026-12-03T08:05:00Z');
    expect(gaveUpLine({ advice: 'Gorgias is down.', attempt: 5, maxAttempts: 5, needsUser: false, nextTryAt: next })).toBe(
      'Sync failed (attempt 5, the last of 5): Gorgias is down. Next try at 2026-12-03T08:05:00Z (the next scheduled sync). Data synced before the failure is kept.',
    );
    expect(gaveUpLine({ advice: 'The key was revoked.', attempt: 1, maxAttempts: 5, needsUser: true, nextTryAt: null })).toBe(
      'Sync failed (attempt 1): The key was revoked. It is not tried again until the connector is fixed. Data synced before the failure is kept.',
    );
  });
});
