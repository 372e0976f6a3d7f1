import { FeedPosition } from './ticket-change-cursor';
import { FeedEntry, FeedScope } from './ticket-change.repository';
import { FeedWakeup } from './ticket-change.wakeups';

/** What a stream needs from the feed (the service, bound to one tenant and connector). */
export interface FeedSource {
  page(after: FeedPosition | undefined, limit: number): Promise<FeedEntry[]>;
  hasPending(after: FeedPosition | undefined): Promise<boolean>;
  /** Calls `wake` on every feed notification until the returned function is called. */
  onWakeup(wake: (w: FeedWakeup) => void): () => void;
}

export interface StreamTimings {
  pageSize: number;
  /**
   * Committed changes wait behind an older, still running transaction (perhaps another tenant's, which
   * sends us no notification): look again this soon, then twice as late each time, up to the maximum.
   */
  pendingPollMs: number;
  maxPendingPollMs: number;
  /** Nothing pending: look again this late even without a notification (a missed one costs at most this). */
  idlePollMs: number;
}

export const DEFAULT_STREAM_TIMINGS: StreamTimings = { pageSize: 100, pendingPollMs: 50, maxPendingPollMs: 800, idlePollMs: 10_000 };

const CLOSED = Symbol('closed');

/**
 * The subscription's iterator: replays the feed after a cursor, then follows it live, in feed order,
 * by paging from the last delivered position whenever a NOTIFY (or a poll) says something may have
 * become visible. Live and replay are the same read, so nothing falls between them.
 *
 * Not an async generator on purpose: `return()` (the client unsubscribed, the socket closed) must
 * release the listener and timers at once and end a `next()` that is waiting, whereas a generator
 * suspended in an `await` only sees `return()` after that await completes.
 */
export class TicketChangeStream implements AsyncIterableIterator<FeedEntry> {
  private readonly buffer: FeedEntry[] = [];
  private closed = false;
  /** Something may have changed since the last read started. */
  private dirty = true;
  /** Consecutive waits behind the horizon without a delivery (the poll backs off). */
  private pendingWaits = 0;
  /** Waiting behind the horizon: a commit of another connector of the tenant may be what holds it. */
  private waitingOnHorizon = false;
  private wakeWaiter?: () => void;
  private timer?: NodeJS.Timeout;
  private readonly stopListening: () => void;
  private readonly closedSignal: Promise<typeof CLOSED>;
  private signalClosed!: () => void;

  constructor(
    private readonly source: FeedSource,
    private readonly scope: FeedScope,
    private after: FeedPosition | undefined,
    private readonly timings: StreamTimings = DEFAULT_STREAM_TIMINGS,
  ) {
    this.closedSignal = new Promise((resolve) => (this.signalClosed = () => resolve(CLOSED)));
    // Listening starts before the first read: a change committed during the replay wakes the loop.
    // Other tenants' notifications are ignored: when one of their transactions holds our changes back,
    // the backing-off poll finds them once it ends (waking every subscriber on every commit would not
    // scale). The tenant's other connectors' commits wake us only while we wait behind the horizon.
    this.stopListening = source.onWakeup((w) => {
      if (w && w.tenantId !== scope.tenantId) return;
      if (w && scope.connectorId && w.connectorId !== scope.connectorId && !this.waitingOnHorizon) return;
      this.wake();
    });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedEntry> {
    return this;
  }

  async next(): Promise<IteratorResult<FeedEntry>> {
    while (!this.closed) {
      const entry = this.buffer.shift();
      if (entry) return { value: entry, done: false };
      this.dirty = false;
      const page = await this.untilClosed(this.source.page(this.after, this.timings.pageSize));
      if (page === CLOSED) break;
      if (page.length) {
        this.buffer.push(...page);
        this.after = page[page.length - 1].position;
        this.pendingWaits = 0;
        continue;
      }
      if (this.dirty) continue;
      const pending = await this.untilClosed(this.source.hasPending(this.after));
      if (pending === CLOSED) break;
      if (this.dirty) continue;
      const { pendingPollMs, maxPendingPollMs, idlePollMs } = this.timings;
      this.waitingOnHorizon = pending;
      await this.sleep(pending ? Math.min(pendingPollMs * 2 ** this.pendingWaits++, maxPendingPollMs) : idlePollMs);
      this.waitingOnHorizon = false;
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<FeedEntry>> {
    this.close();
    return { value: undefined, done: true };
  }

  async throw(error?: unknown): Promise<IteratorResult<FeedEntry>> {
    this.close();
    throw error;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.length = 0;
    this.stopListening();
    clearTimeout(this.timer);
    this.signalClosed();
    this.wakeWaiter?.();
  }

  private wake(): void {
    this.dirty = true;
    this.wakeWaiter?.();
  }

  /** Resolves on a wake-up, after `ms`, or on close, whichever comes first. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(this.timer);
        this.wakeWaiter = undefined;
        resolve();
      };
      this.wakeWaiter = done;
      this.timer = setTimeout(done, ms);
    });
  }

  /** `work`, or CLOSED as soon as the stream is closed (the work's late result or failure is dropped). */
  private untilClosed<T>(work: Promise<T>): Promise<T | typeof CLOSED> {
    const settled: Promise<T | typeof CLOSED> = work.catch((e: unknown) => {
      if (this.closed) return CLOSED;
      throw e;
    });
    return Promise.race([settled, this.closedSignal]);
  }
}
