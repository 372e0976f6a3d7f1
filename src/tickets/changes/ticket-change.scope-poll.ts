import { compareFeedPositions, FeedPosition } from './ticket-change-cursor';
import { FeedEntry, FeedScope } from './ticket-change.repository';
import { StreamTimings, TicketChangeStream } from './ticket-change.stream';
import { FeedWakeup } from './ticket-change.wakeups';

/** Where the scope stands now: the last position a read can return (null: none yet), and whether changes wait behind the horizon. */
export interface FeedProbe {
  tip: FeedPosition | null;
  pending: boolean;
}

/** What the poll reads: the repository, bound to the scope. */
export interface ScopeFeed {
  page(after: FeedPosition | undefined, limit: number): Promise<FeedEntry[]>;
  probe(): Promise<FeedProbe>;
}

export interface ScopePollHooks {
  /** A stream closed; `remaining` are still open in this scope. */
  onLeave(remaining: number): void;
  /** A probe failed: logged by the owner; the poll simply tries again later. */
  onError(error: unknown): void;
}

/**
 * One poll per feed scope (a tenant, or one of its connectors) on this instance, shared by all the
 * scope's streams, so that idle subscribers cost the database one small query per `idlePollMs` per
 * scope, not two per subscriber (security review L-1: 100 idle subscriptions took it from 1.1 to
 * 21.1 transactions/s). The poll only decides *when* a stream looks again: each stream still reads
 * from its own position, so a late or lost wake-up delays a delivery but cannot skip or repeat one.
 *
 * - A notification of the scope wakes every stream, and a probe follows soon (the commit may be held
 *   behind an older transaction, perhaps another tenant's, which sends us nothing).
 * - A probe reads the scope's tip and whether changes wait behind the horizon, and wakes only the
 *   streams behind the tip. While changes wait it probes again soon, backing off; otherwise after `idlePollMs`.
 * - Streams at the same position woken by the same event share one page read.
 */
export class FeedScopePoll {
  private readonly streams = new Set<TicketChangeStream>();
  /** Page reads in flight, by position and size, with the wake-up epoch they started in. */
  private readonly reads = new Map<string, { epoch: number; rows: Promise<FeedEntry[]> }>();
  /** Bumped by every wake-up: a read that started before it may have missed what woke the streams. */
  private epoch = 0;
  private pending = false;
  private pendingWaits = 0;
  private timer?: NodeJS.Timeout;
  private dueAt = Infinity;
  private probing = false;
  private probeAgain = false;
  private stopped = false;

  constructor(
    readonly scope: FeedScope,
    private readonly feed: ScopeFeed,
    private readonly timings: StreamTimings,
    private readonly hooks: ScopePollHooks,
  ) {
    // Learn early whether the first streams' changes wait behind the horizon.
    this.schedule(timings.pendingPollMs);
  }

  get size(): number {
    return this.streams.size;
  }

  /** A stream of this scope from `after`; it leaves the poll when it closes. */
  open(after: FeedPosition | undefined): TicketChangeStream {
    const stream: TicketChangeStream = new TicketChangeStream(
      { page: (at, limit) => this.page(at, limit), leave: () => this.leave(stream) },
      after,
      this.timings.pageSize,
    );
    this.streams.add(stream);
    return stream;
  }

  /**
   * A feed notification. Other tenants' are ignored (when one of their transactions holds our changes
   * back, the backing-off probe finds them once it ends; waking every stream on every commit would not
   * scale). The tenant's other connectors' commits matter only while changes wait behind the horizon.
   */
  notify(w: FeedWakeup): void {
    if (this.stopped || (w && w.tenantId !== this.scope.tenantId)) return;
    if (w && this.scope.connectorId && w.connectorId !== this.scope.connectorId) {
      if (this.pending) this.schedule(0);
      return;
    }
    this.epoch++;
    for (const s of this.streams) s.wake();
    this.schedule(this.timings.pendingPollMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private page(after: FeedPosition | undefined, limit: number): Promise<FeedEntry[]> {
    const key = `${after?.xactId ?? '-'}:${after?.seq ?? '-'}:${limit}`;
    const shared = this.reads.get(key);
    if (shared && shared.epoch === this.epoch) return shared.rows;
    const read = { epoch: this.epoch, rows: this.feed.page(after, limit) };
    this.reads.set(key, read);
    const forget = () => {
      if (this.reads.get(key) === read) this.reads.delete(key);
    };
    read.rows.then(forget, forget);
    return read.rows;
  }

  private leave(stream: TicketChangeStream): void {
    if (!this.streams.delete(stream)) return;
    if (!this.streams.size) this.stop();
    this.hooks.onLeave(this.streams.size);
  }

  /** Probes within `ms`, unless a probe is already due sooner. */
  private schedule(ms: number): void {
    if (this.stopped) return;
    const at = Date.now() + ms;
    if (this.timer && this.dueAt <= at) return;
    clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.dueAt = Infinity;
      void this.probe();
    }, ms);
  }

  private async probe(): Promise<void> {
    if (this.probing) {
      this.probeAgain = true;
      return;
    }
    this.probing = true;
    try {
      const { tip, pending } = await this.feed.probe();
      if (this.stopped) return;
      const behind = [...this.streams].filter((s) => tip && (!s.position || compareFeedPositions(s.position, tip) < 0));
      if (behind.length) this.epoch++;
      for (const s of behind) s.wake();
      this.pending = pending;
      this.pendingWaits = pending ? this.pendingWaits + 1 : 0;
    } catch (e) {
      this.hooks.onError(e);
    } finally {
      this.probing = false;
      const { pendingPollMs, maxPendingPollMs, idlePollMs } = this.timings;
      const next = this.pending ? Math.min(pendingPollMs * 2 ** (this.pendingWaits - 1), maxPendingPollMs) : idlePollMs;
      this.schedule(this.probeAgain ? 0 : next);
      this.probeAgain = false;
    }
  }
}
