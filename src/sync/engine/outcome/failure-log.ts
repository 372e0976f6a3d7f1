import { SyncLogLevel } from '../../sync-run.types';

/** A sync log line: its level and what it says. */
export interface FailureLogLine {
  level: SyncLogLevel;
  message: string;
}

/** An instant as the log shows it: ISO 8601 in UTC, to the second. */
const at = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A run that failed transiently and goes back to the queue. The first retry is WARN: one blip
 * (a 502, a cut connection) heals on its own. From the second failure on it is ERROR: the guide
 * tells operators to filter the log on Errors, and an outage must show there, with the attempt
 * and when the next one comes.
 */
export function retryLine(f: { advice: string; attempt: number; maxAttempts: number; delayMs: number; now: Date }): FailureLogLine {
  const next = at(new Date(f.now.getTime() + f.delayMs));
  const seconds = Math.round(f.delayMs / 1000);
  if (f.attempt <= 1) {
    return {
      level: SyncLogLevel.WARN,
      message: `${f.advice} The sync will resume from where it stopped at ${next} (in ${seconds} s; attempt ${f.attempt} of ${f.maxAttempts}).`,
    };
  }
  return {
    level: SyncLogLevel.ERROR,
    message:
      `Sync attempt ${f.attempt} of ${f.maxAttempts} failed, and failed before: ${f.advice} ` +
      `Next try at ${next} (in ${seconds} s), from where it stopped.`,
  };
}

/**
 * A run that gave up (FAILED): always ERROR, with the attempt it gave up on and when the connector
 * is tried again (none when only the user can fix it: the connector is in ERROR until then).
 */
export function gaveUpLine(f: {
  advice: string;
  attempt: number;
  maxAttempts: number;
  needsUser: boolean;
  nextTryAt: Date | null;
}): string {
  const attempt = f.attempt >= f.maxAttempts ? `attempt ${f.attempt}, the last of ${f.maxAttempts}` : `attempt ${f.attempt}`;
  const next =
    f.needsUser || !f.nextTryAt
      ? 'It is not tried again until the connector is fixed.'
      : `Next try at ${at(f.nextTryAt)} (the next scheduled sync).`;
  return `Sync failed (${attempt}): ${f.advice} ${next} Data synced before the failure is kept.`;
}
