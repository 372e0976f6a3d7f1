/**
 * Leaky bucket, as Gorgias documents it: every call adds one drop; the bucket leaks `limit` drops per
 * `windowSeconds`; a call that would overflow the bucket is refused (429) and adds nothing.
 *
 * Time is simulated: simulated seconds = real seconds x clockScale, so with clockScale 20 the 20 s window
 * lasts one real second. `Retry-After` is given in REAL seconds (simulated wait / clockScale, rounded up,
 * at least 1) because the client sleeps in real time.
 */
export interface RateLimitConfig {
  limit: number;
  windowSeconds: number;
}

export interface BucketDecision {
  allowed: boolean;
  /** Drops in the bucket after this call, rounded up (what `X-Gorgias-Account-Api-Call-Limit` shows). */
  used: number;
  limit: number;
  /** Real seconds to wait before retrying; only when refused. */
  retryAfterSeconds?: number;
}

export class LeakyBucket {
  private level = 0;
  private lastRealMs: number;

  constructor(
    private readonly config: RateLimitConfig | false,
    private readonly clockScale: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastRealMs = this.now();
  }

  get limit(): number {
    return this.config ? this.config.limit : 40;
  }

  /** Simulated drops leaked per simulated second. */
  private get leakPerSimSecond(): number {
    return this.config ? this.config.limit / this.config.windowSeconds : Infinity;
  }

  private leak(): void {
    const nowMs = this.now();
    const simSeconds = ((nowMs - this.lastRealMs) / 1000) * this.clockScale;
    this.lastRealMs = nowMs;
    if (!this.config) {
      this.level = 0;
      return;
    }
    this.level = Math.max(0, this.level - simSeconds * this.leakPerSimSecond);
  }

  /** Current fill without adding a drop. */
  peek(): number {
    this.leak();
    return Math.ceil(this.level - 1e-9);
  }

  take(): BucketDecision {
    this.leak();
    if (!this.config) return { allowed: true, used: 1, limit: this.limit };
    const { limit } = this.config;
    if (this.level + 1 > limit + 1e-9) {
      const simWait = (this.level + 1 - limit) / this.leakPerSimSecond;
      const retryAfterSeconds = Math.max(1, Math.ceil(simWait / this.clockScale - 1e-9));
      return { allowed: false, used: Math.min(limit, Math.ceil(this.level - 1e-9)), limit, retryAfterSeconds };
    }
    this.level += 1;
    return { allowed: true, used: Math.min(limit, Math.ceil(this.level - 1e-9)), limit };
  }
}
