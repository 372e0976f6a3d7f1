import { FeedPosition } from './ticket-change-cursor';
import { FeedEntry } from './ticket-change.repository';
import { FeedSource, TicketChangeStream } from './ticket-change.stream';
import { FeedWakeup } from './ticket-change.wakeups';

const entry = (seq: number): FeedEntry => ({
  position: { xactId: '1', seq: String(seq) },
  changedAt: new Date(0),
  row: { external_id: String(seq) } as never,
});
const timings = { pageSize: 2, pendingPollMs: 5, maxPendingPollMs: 20, idlePollMs: 60_000 };
const scope = { tenantId: 't', connectorId: null };

/** A feed in memory: `rows` become visible when pushed; wake-ups are sent by the test. */
function memorySource(rows: FeedEntry[] = []) {
  const listeners = new Set<(w: FeedWakeup) => void>();
  const reads: (FeedPosition | undefined)[] = [];
  const source: FeedSource = {
    page: async (after, limit) => {
      reads.push(after);
      return rows.filter((r) => !after || Number(r.position.seq) > Number(after.seq)).slice(0, limit);
    },
    hasPending: async () => false,
    onWakeup: (wake) => {
      listeners.add(wake);
      return () => listeners.delete(wake);
    },
  };
  return { source, rows, listeners, reads, wake: (w: FeedWakeup) => listeners.forEach((l) => l(w)) };
}

describe('TicketChangeStream', () => {
  it('replays page by page from the cursor, then delivers what a wake-up reveals, in order', async () => {
    const feed = memorySource([entry(1), entry(2), entry(3)]);
    const stream = new TicketChangeStream(feed.source, scope, { xactId: '1', seq: '1' }, timings);
    expect((await stream.next()).value.position.seq).toBe('2');
    expect((await stream.next()).value.position.seq).toBe('3');
    const waiting = stream.next();
    await new Promise((r) => setImmediate(r));
    feed.rows.push(entry(4));
    feed.wake({ tenantId: 't', connectorId: 'c' });
    expect((await waiting).value.position.seq).toBe('4');
    // Every read continued from the last delivered position.
    expect(feed.reads.map((r) => r?.seq)).toEqual(['1', '3', '3']);
    await stream.return();
  });

  it('looks again by itself while committed changes wait behind an older transaction (no notification needed)', async () => {
    const feed = memorySource();
    let pendingChecks = 0;
    feed.source.hasPending = async () => {
      // Behind the horizon for three checks; then the older transaction ends and the row shows.
      if (++pendingChecks === 3) feed.rows.push(entry(1));
      return true;
    };
    const stream = new TicketChangeStream(feed.source, scope, undefined, timings);
    expect((await stream.next()).value.position.seq).toBe('1');
    expect(pendingChecks).toBe(3);
    await stream.return();
  });

  it("ignores other feeds' wake-ups", async () => {
    const feed = memorySource();
    const stream = new TicketChangeStream(feed.source, scope, undefined, timings);
    const waiting = stream.next();
    await new Promise((r) => setTimeout(r, 5));
    const readsBefore = feed.reads.length;
    feed.wake({ tenantId: 'other', connectorId: 'c' });
    await new Promise((r) => setTimeout(r, 5));
    expect(feed.reads.length).toBe(readsBefore);
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
  });

  it('on return() ends a next() waiting on a read that never answers, and releases its listener at once', async () => {
    const feed = memorySource();
    feed.source.page = () => new Promise(() => undefined); // a database that hangs
    const stream = new TicketChangeStream(feed.source, scope, undefined, timings);
    const waiting = stream.next();
    await new Promise((r) => setImmediate(r));
    expect(feed.listeners.size).toBe(1);
    await stream.return();
    expect(feed.listeners.size).toBe(0);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('on return() ends a next() sleeping until the next change', async () => {
    const feed = memorySource();
    const stream = new TicketChangeStream(feed.source, scope, undefined, timings);
    const waiting = stream.next();
    await new Promise((r) => setTimeout(r, 5));
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(feed.listeners.size).toBe(0);
  });
});
