import { DEFAULT_RATE_LIMIT, DEFAULT_RATE_WINDOW_MS, PACER_HEADROOM, PACER_MIN_SAMPLE_CALLS, PACER_MIN_SAMPLE_MS } from './gorgias.constants';

interface Observation {
  at: number;
  used: number;
}

/**
 * Keeps calls to one Gorgias account under its leaky-bucket limit.
 *
 * Gorgias does not say how fast its bucket drains (40 calls per 20 s for API keys, per 10 s on
 * Enterprise, 80 for OAuth apps), but every answer says how full it is
 * (`X-Gorgias-Account-Api-Call-Limit: used/limit`). The pacer learns the drain rate from those
 * readings (how much the level fell between answers, plus the calls made meanwhile) and, before
 * each call, waits until the predicted level leaves `PACER_HEADROOM` free, so a steady sync runs
 * at the rate the account allows without ever hitting 429. Other tools using the same account
 * show up in the header, so the pacer yields to them too.
 */
export class GorgiasRateLimitPacer {
  private limit = DEFAULT_RATE_LIMIT;
  /** Calls drained per millisecond; starts at the documented API-key rate and is then measured. */
  private drainPerMs = DEFAULT_RATE_LIMIT / DEFAULT_RATE_WINDOW_MS;
  private last: Observation | null = null;
  /** Readings while the bucket was not empty (an empty bucket hides how fast it drains). */
  private samples: Observation[] = [];
  private inFlight = 0;
  private blockedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly now: () => number = Date.now) {}

  /** Resolves when one more call fits; callers must then call `settled` (or `observe`) once it answered. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForRoom());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** A call answered with the header `used/limit` (or without one). */
  observe(header: string | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(header ?? '');
    if (!match) return;
    const used = Number(match[1]);
    const limit = Number(match[2]);
    if (limit > 0) this.limit = limit;
    const at = this.now();
    if (this.last && used > 1 && this.last.used > 1) {
      this.samples.push({ at, used });
      this.estimateDrain();
    } else {
      this.samples = used > 1 ? [{ at, used }] : [];
    }
    this.last = { at, used };
  }

  /** A call that got no answer (timeout, cut connection): it may still have counted. */
  failed(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
  }

  /** 429: nothing more until Retry-After has passed. */
  throttled(retryAfterMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + retryAfterMs);
    // Once Retry-After has passed, Gorgias has room for a call: one goes, its answer tells the rest.
    this.last = { at: this.now() + retryAfterMs, used: this.limit - PACER_HEADROOM - 1 };
    this.samples = [];
  }

  /** Share of the account's budget in use now, as predicted from the last reading (for metrics). */
  budgetInUse(): number {
    return Math.min(1, this.predictedLevel(this.now()) / this.limit);
  }

  /** Current drain estimate in calls per second (for logs and benchmarks). */
  get callsPerSecond(): number {
    return this.drainPerMs * 1000;
  }

  private estimateDrain(): void {
    // Over consecutive non-empty readings: drained = first.used + calls in between - last.used.
    while (this.samples.length > 2 && this.samples[this.samples.length - 1].at - this.samples[1].at >= PACER_MIN_SAMPLE_MS * 4) {
      this.samples.shift();
    }
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const span = last.at - first.at;
    const drained = first.used + (this.samples.length - 1) - last.used;
    // Enough evidence: a long enough span, or enough calls drained to measure within ~20%.
    if (span <= 0 || (span < PACER_MIN_SAMPLE_MS && drained < PACER_MIN_SAMPLE_CALLS)) return;
    if (drained > 0) this.drainPerMs = drained / span;
  }

  private predictedLevel(at: number): number {
    if (!this.last) return this.inFlight;
    const drained = Math.max(0, at - this.last.at) * this.drainPerMs;
    return Math.max(0, this.last.used - drained) + this.inFlight;
  }

  private async waitForRoom(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.blockedUntil) {
        await sleep(this.blockedUntil - now);
        continue;
      }
      const room = this.limit - PACER_HEADROOM - 1;
      const excess = this.predictedLevel(now) - room;
      if (excess <= 0) break;
      await sleep(Math.max(1, Math.ceil(excess / this.drainPerMs)));
    }
    this.inFlight++;
    if (this.last) {
      // Account for this call in the level so that concurrent callers queue behind it.
      const now = this.now();
      this.last = { at: now, used: Math.max(0, this.last.used - Math.max(0, now - this.last.at) * this.drainPerMs) };
    }
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
