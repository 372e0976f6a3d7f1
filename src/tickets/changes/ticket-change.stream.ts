import { FeedPosition } from './ticket-change-cursor';
import { FeedEntry } from './ticket-change.repository';

/** What a stream needs from its scope's shared poll (see FeedScopePoll). */
export interface FeedSource {
  page(after: FeedPosition | undefined, limit: number): Promise<FeedEntry[]>;
  /** The stream closed: stop waking it and forget it. */
  leave(): void;
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
 * by paging from the last read position whenever its scope's shared poll (notifications, the
 * horizon watch and the idle poll, one per scope for all its streams) says something may have become
 * visible past it. Live and replay are the same read, so nothing falls between them; a late or lost
 * wake-up can only delay a delivery.
 *
 * Not an async generator on purpose: `return()` (the client unsubscribed, the socket closed) must
 * release the stream and end a `next()` that is waiting at once, whereas a generator
 * suspended in an `await` only sees `return()` after that await completes.
 */
export class TicketChangeStream implements AsyncIterableIterator<FeedEntry> {
  private readonly buffer: FeedEntry[] = [];
  private closed = false;
  /** Something may have changed since the last read started. */
  private dirty = true;
  private wakeWaiter?: () => void;
  private readonly closedSignal: Promise<typeof CLOSED>;
  private signalClosed!: () => void;

  constructor(
    private readonly source: FeedSource,
    private after: FeedPosition | undefined,
    private readonly pageSize: number = DEFAULT_STREAM_TIMINGS.pageSize,
  ) {
    this.closedSignal = new Promise((resolve) => (this.signalClosed = () => resolve(CLOSED)));
  }

  /** The last position read (delivered or buffered): the poll wakes the stream when the feed moves past it. */
  get position(): FeedPosition | undefined {
    return this.after;
  }

  /** Look again: a read in progress is followed by another one, a waiting `next()` reads now. */
  wake(): void {
    this.dirty = true;
    this.wakeWaiter?.();
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<FeedEntry> {
    return this;
  }

  async next(): Promise<IteratorResult<FeedEntry>> {
    while (!this.closed) {
      const entry = this.buffer.shift();
      if (entry) return { value: entry, done: false };
      this.dirty = false;
      const page = await this.untilClosed(this.source.page(this.after, this.pageSize));
      if (page === CLOSED) break;
      if (page.length) {
        this.buffer.push(...page);
        this.after = page[page.length - 1].position;
        continue;
      }
      if (this.dirty) continue;
      await this.untilWoken();
    }
    return { value: undefined, done: true };
  }

  return(): Promise<IteratorResult<FeedEntry>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<FeedEntry>> {
    this.close();
    return Promise.reject(error as Error); // the caller's own error, passed back as it came
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.length = 0;
    this.source.leave();
    this.signalClosed();
    this.wakeWaiter?.();
  }

  /** Resolves on the next wake-up or on close. */
  private untilWoken(): Promise<void> {
    return new Promise((resolve) => {
      this.wakeWaiter = () => {
        this.wakeWaiter = undefined;
        resolve();
      };
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
