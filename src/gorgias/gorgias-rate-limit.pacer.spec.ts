import { GorgiasRateLimitPacer } from './gorgias-rate-limit.pacer';

/** A leaky bucket like Gorgias': `limit` calls, draining `limit` per `windowMs`. */
class LeakyBucket {
  private level = 0;
  private at = Date.now();
  overflows = 0;
  constructor(
    readonly limit: number,
    private readonly windowMs: number,
  ) {}
  call(): string {
    const now = Date.now();
    this.level = Math.max(0, this.level - ((now - this.at) * this.limit) / this.windowMs);
    this.at = now;
    if (this.level + 1 > this.limit) {
      this.overflows++;
    } else {
      this.level += 1;
    }
    return `${Math.ceil(this.level)}/${this.limit}`;
  }
}

describe('GorgiasRateLimitPacer', () => {
  it('keeps a sustained caller under the bucket and learns how fast it drains', async () => {
    // 20 calls per 1 s: 20 times faster than Gorgias' 40 per 20 s, same shape.
    const bucket = new LeakyBucket(20, 1_000);
    const pacer = new GorgiasRateLimitPacer();
    for (let i = 0; i < 90; i++) {
      await pacer.acquire();
      await new Promise((r) => setTimeout(r, 2)); // network time
      pacer.observe(bucket.call());
    }
    expect(bucket.overflows).toBe(0);
    expect(pacer.callsPerSecond).toBeGreaterThan(20 * 0.5);
    expect(pacer.callsPerSecond).toBeLessThan(20 * 1.5);
  });

  it('lets several concurrent callers share one account without overflowing it', async () => {
    const bucket = new LeakyBucket(10, 500);
    const pacer = new GorgiasRateLimitPacer();
    const worker = async () => {
      for (let i = 0; i < 15; i++) {
        await pacer.acquire();
        await new Promise((r) => setTimeout(r, 5));
        pacer.observe(bucket.call());
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(bucket.overflows).toBe(0);
  });

  it('waits out Retry-After before the next call', async () => {
    const pacer = new GorgiasRateLimitPacer();
    pacer.observe('40/40');
    pacer.throttled(300);
    const started = Date.now();
    await pacer.acquire();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('ignores a missing or malformed header', async () => {
    const pacer = new GorgiasRateLimitPacer();
    pacer.observe(undefined);
    pacer.observe('garbage');
    await expect(pacer.acquire()).resolves.toBeUndefined();
  });
});
