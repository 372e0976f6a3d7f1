import { GorgiasClientFactory } from './gorgias-client.factory';
import { GorgiasRateLimitPacer } from './gorgias-rate-limit.pacer';

/** A leaky bucket like Gorgias': `limit` calls, draining `limit` per `windowMs`. */
class LeakyBucket {
  level = 0;
  peak = 0;
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
      this.peak = Math.max(this.peak, this.level);
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

  it('keeps the bucket within its share while another client uses 60% of the rate, and never causes that client a 429', async () => {
    // 40 calls per second: Gorgias' 40 per 20 s, 20 times faster.
    const bucket = new LeakyBucket(40, 1_000);
    const pacer = new GorgiasRateLimitPacer({ share: 0.8 });
    let otherCalls = 0;
    let otherRefused = 0;
    // The other client: 24 calls per second (60%), spread evenly, counting its own refusals.
    const other = setInterval(() => {
      const before = bucket.overflows;
      bucket.call();
      otherCalls++;
      otherRefused += bucket.overflows - before;
    }, 1000 / 24);
    let ours = 0;
    let ourRefused = 0;
    try {
      for (let i = 0; i < 80; i++) {
        await pacer.acquire();
        await new Promise((r) => setTimeout(r, 2));
        const before = bucket.overflows;
        pacer.observe(bucket.call());
        ourRefused += bucket.overflows - before;
        ours++;
      }
    } finally {
      clearInterval(other);
    }
    expect(otherCalls).toBeGreaterThan(40);
    expect(otherRefused).toBe(0);
    expect(ourRefused).toBe(0);
    expect(ours).toBe(80);
    // Our calls stop at 80% (32 of 40); the other client's own calls may add a few on top.
    expect(bucket.peak).toBeLessThanOrEqual(36);
  });

  it('serves lanes in turn: a flood of Test Connections from one tenant does not hold back another tenant', async () => {
    const bucket = new LeakyBucket(10, 200);
    const pacer = new GorgiasRateLimitPacer();
    const order: string[] = [];
    const call = async (lane: string) => {
      await pacer.acquire(lane);
      order.push(lane);
      await new Promise((r) => setTimeout(r, 1));
      pacer.observe(bucket.call());
    };
    // Tenant B queues 40 checks at once; then tenant A queues 10 calls.
    const flood = Promise.all(Array.from({ length: 40 }, () => call('tenant:B')));
    const sync = Promise.all(Array.from({ length: 10 }, () => call('tenant:A')));
    await Promise.all([flood, sync]);
    expect(bucket.overflows).toBe(0);
    // First come, first served would start A after all 40 of B's; in turns, A's 10 are done within the first ~20.
    const firstOfA = order.indexOf('tenant:A');
    const lastOfA = order.lastIndexOf('tenant:A');
    expect(firstOfA).toBeLessThan(5);
    expect(lastOfA).toBeLessThan(25);
  }, 20_000);

  it('ignores a missing or malformed header', async () => {
    const pacer = new GorgiasRateLimitPacer();
    pacer.observe(undefined);
    pacer.observe('garbage');
    await expect(pacer.acquire()).resolves.toEqual({ seq: 1 });
  });
});

describe('GorgiasClientFactory pacers', () => {
  const factory = () =>
    new GorgiasClientFactory(
      { axiosRef: {} } as never,
      { gorgias: { baseUrl: 'https://{subdomain}.gorgias.com', timeoutMs: 1000, maxRetries: 0, budgetShare: 0.8 } } as never,
    );

  it('shares one pacer per Gorgias account, whichever tenant calls it', () => {
    const f = factory();
    try {
      expect(f.pacerFor('acme')).toBe(f.pacerFor('ACME'));
      expect(f.pacerFor('acme')).not.toBe(f.pacerFor('other'));
      expect(f.pacerFor('acme').ceiling).toBe(32);
    } finally {
      f.onModuleDestroy();
    }
  });

  it('drops pacers that nobody used for a while, and keeps busy ones', async () => {
    const f = factory();
    try {
      const busy = f.pacerFor('busy');
      f.pacerFor('idle');
      const now = Date.now();
      await busy.acquire('x'); // in flight: not idle
      expect(f.evictIdle(60_000, now + 120_000)).toBe(1);
      expect(f.pacerFor('busy')).toBe(busy);
      busy.observe('1/40');
      expect(f.evictIdle(60_000, Date.now() + 120_000)).toBe(0);
    } finally {
      f.onModuleDestroy();
    }
  });
});
