import { SyncPageSpan } from '../../../observability/tracing/sync-page.span';
import { SourcePage } from '../source/helpdesk-source';

/** One page read ahead: asked with `cursor` (null: the list's start), with the trace it is read in. */
export interface FetchedPage<T> {
  cursor: string | null;
  span: SyncPageSpan;
  page?: SourcePage<T>;
  /** The call failed: handled by the walk once every page before it is written. */
  error?: unknown;
  /** What `prepare` made of the page when it was read (absent when it threw: the walk then maps the page itself). */
  prepared?: unknown;
}

/**
 * Reads a cursor-paged list ahead of the walk that writes it, one call after the other (a cursor
 * comes with the page before), keeping at most `depth` pages read and not yet taken. The walk then
 * writes at the pace of the database or of the API, whichever is slower, and finds the pages that
 * arrived during its last write ready to be written together. Stops after a page `isLast` says ends
 * the walk, or after a failed call: nothing past either is ever asked for.
 */
export class PageReadAhead<T> {
  private readonly ready: FetchedPage<T>[] = [];
  private nextCursor: string | null | undefined;
  private reading = false;
  private ended = false;
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(
    private readonly fetch: (cursor: string | null) => Promise<SourcePage<T>>,
    private readonly isLast: (page: SourcePage<T>) => boolean,
    private readonly depth: number,
    private readonly spanOf: () => SyncPageSpan,
    /**
     * The CPU work of writing a page (mapping, sanitising, serialising), done when it arrives: the
     * pages read ahead arrive while the walk waits for the database, so this work no longer delays
     * the batch's statements.
     */
    private readonly prepare?: (page: SourcePage<T>) => unknown,
  ) {}

  /** (Re)starts reading at `cursor`; pages read before are dropped (their traces ended). */
  startAt(cursor: string | null): void {
    this.drop();
    this.nextCursor = cursor;
    this.ended = false;
    this.stopped = false;
    void this.readOn();
  }

  /** The next page, waiting for it only when none is read yet. */
  async take(): Promise<FetchedPage<T>> {
    while (!this.ready.length) {
      if (this.ended && !this.reading) throw new Error('PageReadAhead: read past the last page');
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    return this.shift();
  }

  /** The next page when it is read already and its call succeeded; never waits. */
  takeReady(): FetchedPage<T> | undefined {
    return this.ready.length && !this.ready[0].error ? this.shift() : undefined;
  }

  /** Looks at the next page read, without taking it. */
  peekReady(): FetchedPage<T> | undefined {
    return this.ready.length && !this.ready[0].error ? this.ready[0] : undefined;
  }

  /** The walk ends (done or failed): no more calls; pages read and not taken end their traces. */
  stop(error?: unknown): void {
    this.stopped = true;
    this.drop(error);
  }

  private shift(): FetchedPage<T> {
    const taken = this.ready.shift()!;
    void this.readOn();
    return taken;
  }

  private drop(error?: unknown): void {
    for (const f of this.ready.splice(0)) f.span.end(error);
  }

  private async readOn(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      while (!this.ended && !this.stopped && this.ready.length < this.depth) {
        const cursor = this.nextCursor ?? null;
        const span = this.spanOf();
        const fetched: FetchedPage<T> = { cursor, span };
        try {
          fetched.page = await span.run(() => this.fetch(cursor));
          this.nextCursor = fetched.page.meta?.next_cursor;
          this.ended = this.isLast(fetched.page);
          fetched.prepared = this.prepared(fetched.page);
        } catch (e) {
          fetched.error = e;
          this.ended = true;
        }
        if (this.stopped) {
          fetched.span.end();
          break;
        }
        this.ready.push(fetched);
        this.notify();
      }
    } finally {
      this.reading = false;
      this.notify();
    }
  }

  /** A page that cannot be prepared is left to the walk, which maps it (and fails) as it did before. */
  private prepared(page: SourcePage<T>): unknown {
    try {
      return this.prepare?.(page);
    } catch {
      return undefined;
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
