/** How `eventually` polls: `what` names the awaited condition in the timeout error. */
export interface PollOptions<T> {
  what?: string;
  /** The deadline only stops a broken run: tests wait on behaviour, not on time. */
  timeoutMs?: number;
  intervalMs?: number;
  /** When the value read is the awaited one (default: truthy). */
  until?: (value: T) => boolean;
}

type Found<T> = Exclude<T, undefined | null | false>;

/**
 * Calls `check` until its value is the awaited one (truthy, or `until`), and returns it. The one poller of
 * the e2e specs. The error names what was awaited and the last value read, so a timeout says how far it got.
 */
export async function eventually<T>(check: () => T | Promise<T>, opts: string | PollOptions<T> = {}): Promise<Found<T>> {
  const {
    what = 'the condition',
    timeoutMs = 30_000,
    intervalMs = 100,
    until = Boolean,
  } = typeof opts === 'string' ? { what: opts } : opts;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (until(value)) return value as Found<T>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${lastValue(value)}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

function lastValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
