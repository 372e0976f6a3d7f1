import type { AxiosInstance, AxiosRequestConfig, AxiosResponse } from 'axios';
import { GorgiasClient } from './gorgias-client';
import { GorgiasRateLimitPacer } from './gorgias-rate-limit.pacer';

/**
 * For the pacer's specs: one Gorgias account shared by our GorgiasClient and another integration, on a
 * simulated clock (jest's fake timers drive Date.now and setTimeout, so minutes of Gorgias time take
 * milliseconds and every run is the same; Math.random, which jitters retries, is the caller's to seed). The account is a leaky bucket as Gorgias documents it; each
 * call reaches it `upMs` after it is sent and its answer comes back `downMs` later, so the level in the
 * header is that old when the pacer reads it. A seeded share of calls fails with a 503 (the call still
 * counted) or gets no answer at all (it counted too: Gorgias saw it, we did not see the reply).
 */
export interface WorldOptions {
  limit?: number;
  windowMs?: number;
  upMs?: number;
  downMs?: number;
  errorRate?: number;
  cutRate?: number;
  /** A 503 without the level header (a load balancer's answer, not the API's). */
  errorsWithoutHeader?: boolean;
  seed?: number;
  /** The other integration: this share of the budget, in bursts of `otherBurst` calls at once. */
  otherShare?: number;
  otherBurst?: number;
  /** Our share of the bucket (GORGIAS_BUDGET_SHARE). */
  share?: number;
}

export interface WorldResult {
  ourCalls: number;
  ourRefused: number;
  otherCalls: number;
  otherRefused: number;
  /** Highest level the bucket reached. */
  peak: number;
  elapsedMs: number;
  /** What the rest of the budget allows for our calls once the first ones filled the bucket to our share. */
  boundMs: number;
}

export class SharedAccountWorld {
  readonly limit: number;
  readonly windowMs: number;
  readonly pacer: GorgiasRateLimitPacer;
  private level = 0;
  private levelAt = Date.now();
  private peak = 0;
  private readonly rng: () => number;
  private readonly counts = { ourCalls: 0, ourRefused: 0, otherCalls: 0, otherRefused: 0 };

  constructor(private readonly o: WorldOptions = {}) {
    this.limit = o.limit ?? 40;
    this.windowMs = o.windowMs ?? 20_000;
    this.pacer = new GorgiasRateLimitPacer({ share: o.share ?? 0.8 });
    this.rng = seeded(o.seed ?? 1);
  }

  /** A client of ours on this account, retrying as configured. */
  client(maxRetries = 3): GorgiasClient {
    const http = { request: (config: AxiosRequestConfig) => this.serve(config) } as unknown as AxiosInstance;
    const credentials = { subdomain: 'acme', email: 'a@acme.test', apiKey: 'k' };
    return new GorgiasClient(http, credentials, this.pacer, {
      baseUrlTemplate: 'https://{subdomain}.gorgias.test',
      timeoutMs: 30_000,
      maxRetries,
    });
  }

  /**
   * Runs `workers` loops of our calls (the sync keeps up to two in flight: a page and the next one)
   * until `calls` succeeded, with the other integration calling meanwhile; `advance` moves the fake
   * clock (jest.advanceTimersByTimeAsync).
   */
  async run(advance: (ms: number) => Promise<unknown>, calls: number, workers = 2): Promise<WorldResult> {
    const client = this.client();
    const started = Date.now();
    let left = calls;
    let done = false;
    const ours = Promise.all(
      Array.from({ length: workers }, async () => {
        while (left-- > 0) await client.listTickets({ limit: 1 });
      }),
    ).finally(() => (done = true));
    const otherShare = this.o.otherShare ?? 0;
    const burst = this.o.otherBurst ?? 1;
    // The other integration fires its bursts on a fixed schedule, whatever the level (it never waits).
    const everyMs = otherShare > 0 ? (burst * this.windowMs) / (this.limit * otherShare) : Infinity;
    let nextBurst = started + (Number.isFinite(everyMs) ? everyMs / 2 : 0);
    while (!done) {
      const step = Math.min(10, Math.max(1, nextBurst - Date.now()));
      await advance(step);
      if (Date.now() >= nextBurst) {
        for (let i = 0; i < burst; i++) this.take('other');
        nextBurst += everyMs;
      }
    }
    await ours;
    const restPerMs = ((this.limit / this.windowMs) * (1 - otherShare)) as number;
    const startingRoom = Math.floor(this.limit * (this.o.share ?? 0.8));
    const boundMs = Math.max(0, this.counts.ourCalls - startingRoom) / restPerMs;
    return { ...this.counts, peak: this.peak, elapsedMs: Date.now() - started, boundMs };
  }

  /** One call reaching the bucket: taken, or refused when it would overflow (a refused call adds nothing). */
  private take(who: 'ours' | 'other'): { allowed: boolean; header: string; retryAfterS: number } {
    const now = Date.now();
    this.level = Math.max(0, this.level - ((now - this.levelAt) * this.limit) / this.windowMs);
    this.levelAt = now;
    const allowed = this.level + 1 <= this.limit + 1e-9;
    if (allowed) this.level += 1;
    this.peak = Math.max(this.peak, this.level);
    if (who === 'ours') this.counts.ourCalls++;
    else this.counts.otherCalls++;
    if (!allowed) this.counts[who === 'ours' ? 'ourRefused' : 'otherRefused']++;
    const retryAfterS = Math.max(1, Math.ceil(((this.level + 1 - this.limit) * this.windowMs) / this.limit / 1000));
    return { allowed, header: `${Math.min(this.limit, Math.ceil(this.level - 1e-9))}/${this.limit}`, retryAfterS };
  }

  private async serve(config: AxiosRequestConfig): Promise<AxiosResponse<string>> {
    await sleep(this.o.upMs ?? 0);
    const r = this.rng();
    const taken = this.take('ours');
    await sleep(this.o.downMs ?? 0);
    const reply = (status: number, data: string, headers: Record<string, string>) =>
      ({ status, data, headers: { 'content-type': 'application/json', ...headers }, config }) as unknown as AxiosResponse<string>;
    const limitHeader = { 'x-gorgias-account-api-call-limit': taken.header };
    if (!taken.allowed) return reply(429, '', { ...limitHeader, 'retry-after': String(taken.retryAfterS) });
    const { errorRate = 0, cutRate = 0 } = this.o;
    if (r < cutRate) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    if (r < cutRate + errorRate) return reply(503, '{"error":"unavailable"}', this.o.errorsWithoutHeader ? {} : limitHeader);
    return reply(200, '{"data":[],"meta":{"next_cursor":null,"prev_cursor":null}}', limitHeader);
  }
}

/** mulberry32, as the simulator seeds its faults. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());
