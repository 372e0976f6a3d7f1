import {
  DEFAULT_BUDGET_SHARE,
  DEFAULT_RATE_LIMIT,
  DEFAULT_RATE_WINDOW_MS,
  PACER_MIN_SAMPLE_CALLS,
  PACER_MIN_SAMPLE_MS,
  PACER_PROBE_MS,
  PACER_STALE_READING_MS,
} from './gorgias.constants';

/** A call `acquire` let through: hand it back to `observe` or `failed`, so that its answer is placed in order. */
export interface PacedCall {
  /** Our calls sent so far, this one included. */
  readonly seq: number;
}

interface Observation {
  at: number;
  used: number;
}

/** A reading, with how many of our calls had been sent when its call went (they are in it, or will be soon). */
interface Sample extends Observation {
  seq: number;
}

interface Waiter {
  resolve: (call: PacedCall) => void;
}

export interface PacerOptions {
  /** Share of the account's bucket our calls may fill (0.1 to 1); the rest is left to the account's other tools. */
  share?: number;
  now?: () => number;
}

/**
 * Keeps calls to one Gorgias account under a share of its leaky-bucket limit.
 *
 * Gorgias does not say how fast its bucket drains (40 calls per 20 s for API keys, per 10 s on
 * Enterprise, 80 for OAuth apps), but every answer says how full it is
 * (`X-Gorgias-Account-Api-Call-Limit: used/limit`), and that level counts every client of the
 * account, ours and the customer's other integrations. The pacer learns the rate left to us from
 * those readings (how much the level fell between answers, plus the calls we made meanwhile) and,
 * before each call, waits until the predicted level stays within `share` of the limit after it. So
 * we never fill the last (1 - share) of the bucket: another client that stays within it is never
 * refused because of us, and when others push the level up, we wait for it to come down.
 *
 * With Gorgias answering late, a reading is old when it arrives and our calls are in flight:
 * - every call sent and not yet answered counts in the level, and a call that got no answer, or an
 *   answer without the header (a 5xx from a proxy), counts as having landed: retries spend budget too;
 * - an answer that overtook an older call's answer is the newer reading: the older one, arriving after,
 *   does not replace it (its lower level would hide the calls sent in between);
 * - a reading is dated when it arrives, the latest it can have been taken: the level then drains from
 *   there at the net rate, so its age never makes it look emptier than it can be;
 * - once the reading is stale (PACER_STALE_READING_MS), one call goes and the others wait for its answer
 *   (after a quiet spell, a queue of calls must not go out at once on a level others have since raised);
 *   and with nothing in flight, a reading older than PACER_PROBE_MS is checked by one call.
 *
 * Work of several tenants (or connectors) on one account waits in separate lanes served in turn,
 * so one tenant's Test Connections cannot hold back another tenant's sync.
 */
export class GorgiasRateLimitPacer {
  private limit = DEFAULT_RATE_LIMIT;
  /** Calls drained per millisecond, net of other clients; starts at the documented API-key rate and is then measured. */
  private drainPerMs = DEFAULT_RATE_LIMIT / DEFAULT_RATE_WINDOW_MS;
  private last: Observation | null = null;
  /** The last level Gorgias reported (`last` also moves with our own predictions). */
  private lastReading: Observation | null = null;
  /** Readings while the bucket was not empty (an empty bucket hides how fast it drains). */
  private samples: Sample[] = [];
  private inFlight = 0;
  /** Our calls sent so far, and which of them gave `lastReading`. */
  private sent = 0;
  private readingSeq = 0;
  private lastSentAt = -Infinity;
  private blockedUntil = 0;
  private readonly lanes = new Map<string, Waiter[]>();
  /** Lanes with waiters, in the order they are served next. */
  private readonly turns: string[] = [];
  private dispatching = false;
  /** Wakes the dispatcher when an answer arrives (while it waits for the first reading). */
  private answered?: () => void;
  private lastActivity: number;
  private readonly share: number;
  private readonly now: () => number;

  constructor(opts: PacerOptions = {}) {
    this.share = Math.min(1, Math.max(0.1, opts.share ?? DEFAULT_BUDGET_SHARE));
    this.now = opts.now ?? Date.now;
    this.lastActivity = this.now();
  }

  /**
   * Resolves when one more call fits; callers must then call `observe` (or `failed`) once it
   * answered. `lane` names whose work it is (a tenant); lanes take turns.
   */
  acquire(lane = 'default'): Promise<PacedCall> {
    this.lastActivity = this.now();
    return new Promise<PacedCall>((resolve) => {
      let queue = this.lanes.get(lane);
      if (!queue) {
        queue = [];
        this.lanes.set(lane, queue);
        this.turns.push(lane);
      }
      queue.push({ resolve });
      void this.dispatch();
    });
  }

  /** A call answered with the header `used/limit` (or without one); `call` is what `acquire` gave it. */
  observe(header: string | undefined, call?: PacedCall): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastActivity = this.now();
    this.wake();
    const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(header ?? '');
    if (!match) return this.landedUnseen();
    const used = Number(match[1]);
    const limit = Number(match[2]);
    if (limit > 0) this.limit = limit;
    const seq = call?.seq ?? this.sent;
    // Taken before the reading we hold: it misses calls that one counts.
    if (seq < this.readingSeq) return;
    this.readingSeq = seq;
    const at = this.now();
    if (this.last && used > 1 && this.last.used > 1) {
      this.samples.push({ at, used, seq });
      this.estimateDrain();
    } else {
      const reading = this.lastReading;
      if (reading && used <= 1 && reading.used > used && at > reading.at) {
        // The bucket emptied while we waited: it drains at least this fast (else a slow first guess never improves).
        this.drainPerMs = Math.max(this.drainPerMs, (reading.used - used) / (at - reading.at));
      }
      this.samples = used > 1 ? [{ at, used, seq }] : [];
    }
    this.last = { at, used };
    this.lastReading = { at, used };
  }

  /** A call that got no answer (timeout, cut connection): it may still have counted. */
  failed(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastActivity = this.now();
    this.wake();
    this.landedUnseen();
  }

  /** A call no reading tells about: Gorgias may have counted it, so it stays in the level until a newer reading. */
  private landedUnseen(): void {
    if (!this.last) return; // nothing known yet: the next answer's reading will say
    const now = this.now();
    this.last = { at: Math.max(now, this.last.at), used: this.levelOfLast(now) + 1 };
  }

  private wake(): void {
    const answered = this.answered;
    this.answered = undefined;
    answered?.();
  }

  /** 429: nothing more until Retry-After has passed. */
  throttled(retryAfterMs: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + retryAfterMs);
    // Once Retry-After has passed, assume the bucket is at our share: one call goes, its answer tells the rest.
    this.last = { at: this.now() + retryAfterMs, used: this.ceiling - 1 };
    this.samples = [];
  }

  /** Share of the account's budget in use now, as predicted from the last reading (for metrics). */
  budgetInUse(): number {
    return Math.min(1, this.predictedLevel(this.now()) / this.limit);
  }

  /** Current estimate of the rate left to us, in calls per second (for logs and benchmarks). */
  get callsPerSecond(): number {
    return this.drainPerMs * 1000;
  }

  /** The bucket level our calls never go above. */
  get ceiling(): number {
    return Math.max(1, Math.floor(this.limit * this.share));
  }

  /** Nobody waiting or calling, and nothing for `idleMs`: the pacer can be dropped. */
  isIdle(idleMs: number, now = this.now()): boolean {
    return this.turns.length === 0 && this.inFlight === 0 && now - this.lastActivity >= idleMs;
  }

  private async dispatch(): Promise<void> {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.turns.length) {
        await this.waitForRoom();
        const lane = this.turns.shift()!;
        const queue = this.lanes.get(lane)!;
        const waiter = queue.shift()!;
        if (queue.length) this.turns.push(lane);
        else this.lanes.delete(lane);
        waiter.resolve(this.reserve());
      }
    } finally {
      this.dispatching = false;
    }
  }

  private estimateDrain(): void {
    // Over consecutive non-empty readings: drained = first.used + our calls sent in between - last.used.
    while (this.samples.length > 2 && this.samples[this.samples.length - 1].at - this.samples[1].at >= PACER_MIN_SAMPLE_MS * 4) {
      this.samples.shift();
    }
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const span = last.at - first.at;
    const drained = first.used + (last.seq - first.seq) - last.used;
    // Enough evidence: a long enough span, or enough calls drained to measure within ~20%.
    if (span <= 0 || (span < PACER_MIN_SAMPLE_MS && drained < PACER_MIN_SAMPLE_CALLS)) return;
    // Others filling the bucket as fast as it drains leave us nothing: keep a trickle so a reading comes back.
    this.drainPerMs = Math.max(drained / span, this.limit / DEFAULT_RATE_WINDOW_MS / 50);
  }

  private predictedLevel(at: number): number {
    if (!this.last) return this.inFlight;
    return this.levelOfLast(at) + this.inFlight;
  }

  /** `last` drained until `at` (not below 0; not at all before `last.at`, e.g. a Retry-After's end). */
  private levelOfLast(at: number): number {
    const last = this.last!;
    return Math.max(0, last.used - Math.max(0, at - last.at) * this.drainPerMs);
  }

  private async waitForRoom(): Promise<void> {
    for (;;) {
      const now = this.now();
      if (now < this.blockedUntil) {
        await sleep(this.blockedUntil - now);
        continue;
      }
      const age = this.lastReading ? now - this.lastReading.at : Infinity;
      const sinceSent = now - this.lastSentAt;
      if (this.inFlight > 0 && (!this.last || age > PACER_STALE_READING_MS) && sinceSent < PACER_PROBE_MS) {
        // Nothing known of the bucket, or not lately (others may have filled it): one call first, its answer
        // tells the level. A call that hangs holds the others back only until PACER_PROBE_MS.
        await this.answerOrTimeout(PACER_PROBE_MS - sinceSent);
        continue;
      }
      // After this call the level must still be within our share of the bucket.
      const excess = this.predictedLevel(now) + 1 - this.ceiling;
      if (excess <= 0) return;
      if (this.inFlight === 0 && age >= PACER_PROBE_MS) return;
      // Until there is room, or the reading is old enough to be checked by one call, or an answer changes the picture.
      const probeIn = this.inFlight === 0 ? PACER_PROBE_MS - age : Infinity;
      await this.answerOrTimeout(Math.max(1, Math.min(Math.ceil(excess / this.drainPerMs), Math.ceil(probeIn))));
    }
  }

  private answerOrTimeout(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.answered = () => (clearTimeout(timer), resolve());
    });
  }

  private reserve(): PacedCall {
    this.inFlight++;
    if (this.last) {
      // Account for this call in the level so that the next caller queues behind it.
      const now = this.now();
      if (now >= this.last.at) this.last = { at: now, used: this.levelOfLast(now) };
    }
    this.lastSentAt = this.now();
    return { seq: ++this.sent };
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
