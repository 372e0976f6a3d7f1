/**
 * An async iterator over pushed events whose `return()` takes effect at once: a pending `next()`
 * resolves as done and `onClose` runs immediately. (An async generator that awaits the next event
 * cannot do that: its `return()` waits behind the pending await, so an unsubscribe from a quiet
 * stream would never release its listener.)
 */
export class EventQueueIterator<T> implements AsyncIterableIterator<T> {
  private readonly buffered: T[] = [];
  private readonly waiting: ((r: IteratorResult<T>) => void)[] = [];
  private closed = false;

  /** `maxBuffered`: events kept for a consumer that reads slower than they come (the oldest are dropped). */
  constructor(
    private readonly onClose: () => void,
    private readonly maxBuffered = 100,
  ) {}

  /** Events not accepted are not delivered. */
  accept: (event: T) => boolean = () => true;

  push(event: T): void {
    if (this.closed || !this.accept(event)) return;
    const waiter = this.waiting.shift();
    if (waiter) return waiter({ value: event, done: false });
    this.buffered.push(event);
    if (this.buffered.length > this.maxBuffered) this.buffered.shift();
  }

  /** Puts `event` first in line (the current state, before any update). */
  unshift(event: T): void {
    if (!this.closed) this.buffered.unshift(event);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.buffered.length) return Promise.resolve({ value: this.buffered.shift()!, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffered.length = 0;
    for (const w of this.waiting.splice(0)) w({ value: undefined, done: true });
    this.onClose();
  }
}
