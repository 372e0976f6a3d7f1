import { GorgiasRateLimitPacer, PacedCall } from './gorgias-rate-limit.pacer';
import { SharedAccountWorld, WorldOptions } from './shared-account.world';

/**
 * The pacer when Gorgias answers late: readings are old when they arrive, our calls are in flight, and
 * failed calls are retried. Time is jest's fake clock (the pacer reads Date.now and sleeps with
 * setTimeout), so these check what the pacer lets through at each moment, never how long a run took.
 */
describe('GorgiasRateLimitPacer under latency', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_000_000 });
    // Retries jitter their backoff with Math.random: seeded, so each run meets the same schedule.
    let a = 7;
    jest.spyOn(Math, 'random').mockImplementation(() => ((a = (a * 16807) % 2147483647) - 1) / 2147483646);
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  /** Starts `n` acquires and records which of them went. */
  function queue(pacer: GorgiasRateLimitPacer, n: number) {
    const went: PacedCall[] = [];
    const calls = Array.from({ length: n }, () => pacer.acquire().then((c) => (went.push(c), c)));
    return { went, calls };
  }

  it('after a quiet spell, queued calls wait for one fresh reading instead of going out together on the old one', async () => {
    const pacer = new GorgiasRateLimitPacer(); // our share: 32 of 40
    pacer.observe('2/40', await pacer.acquire());
    await jest.advanceTimersByTimeAsync(60_000); // a minute without a call: the reading says nothing of now

    const { went, calls } = queue(pacer, 10);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(went).toHaveLength(1);

    // Its answer: the customer's other integration filled the bucket to 30 meanwhile. Room for 2 more.
    pacer.observe('30/40', await calls[0]);
    await jest.advanceTimersByTimeAsync(0);
    expect(went).toHaveLength(3);
  });

  it('keeps the newer reading when an older call answers after it (its lower level misses calls made since)', async () => {
    const pacer = new GorgiasRateLimitPacer();
    pacer.observe('20/40', await pacer.acquire());
    const older = await pacer.acquire();
    const newer = await pacer.acquire();
    pacer.observe('31/40', newer); // answered first: the level once both calls and others' had landed
    pacer.observe('22/40', older); // read before that, delivered late

    const { went } = queue(pacer, 10);
    await jest.advanceTimersByTimeAsync(0);
    // 31 + 1 reaches our share (32): one call, then the bucket must drain first.
    expect(went).toHaveLength(1);
  });

  it.each([
    ['cut connections (no answer)', (p: GorgiasRateLimitPacer) => p.failed()],
    ['5xx from a proxy (no level header)', (p: GorgiasRateLimitPacer, c: PacedCall) => p.observe(undefined, c)],
  ])('counts retried calls that got %s in the level: retries spend the budget too', async (_kind, fail) => {
    const pacer = new GorgiasRateLimitPacer();
    pacer.observe('28/40', await pacer.acquire());
    // Four attempts fail without telling the level; Gorgias counted each: 28 + 4 = 32, our share.
    for (let i = 0; i < 4; i++) fail(pacer, await pacer.acquire());

    const { went } = queue(pacer, 1);
    await jest.advanceTimersByTimeAsync(0);
    expect(went).toHaveLength(0);
    // It waits for the bucket to drain (2 calls/s by default), not for ever.
    await jest.advanceTimersByTimeAsync(1_000);
    expect(went).toHaveLength(1);
  });

  const badDay: WorldOptions = { otherShare: 0.6, otherBurst: 6, downMs: 150, errorRate: 0.05 };
  it.each<[string, WorldOptions, number]>([
    ['answers 150 ms late, 5 % of them 5xx; two calls in flight (a page and the next)', badDay, 2],
    [
      'latency both ways, cuts and header-less 5xx; four calls in flight',
      { ...badDay, upMs: 75, downMs: 75, cutRate: 0.03, errorsWithoutHeader: true },
      4,
    ],
    ['a 20 s window lasting 5 s (bench:sync at clock x4)', { ...badDay, windowMs: 5_000 }, 2],
  ])(
    'shares a 40 / 20 s account with an integration using 60 %% of it in bursts: %s',
    async (_name, options, inFlight) => {
      const world = new SharedAccountWorld(options);
      const r = await world.run((ms) => jest.advanceTimersByTimeAsync(ms), 180, inFlight);
      expect(r.otherCalls).toBeGreaterThan(100);
      expect(r.otherRefused).toBe(0);
      expect(r.ourRefused).toBe(0);
      expect(r.ourCalls).toBeGreaterThanOrEqual(180);
      // What we leave unused of the rest of the budget: at most 15 % over what it allows (simulated time).
      expect(r.elapsedMs).toBeLessThanOrEqual(r.boundMs * 1.15);
    },
    30_000,
  );
});
