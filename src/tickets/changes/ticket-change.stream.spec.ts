import { FeedPosition } from './ticket-change-cursor';
import { FeedEntry } from './ticket-change.repository';
import { FeedSource, TicketChangeStream } from './ticket-change.stream';

const entry = (seq: number): FeedEntry => ({
  position: { xactId: '1', seq: String(seq) },
  changedAt: new Date(0),
  row: { external_id: String(seq) } as never,
});

/** A feed in memory: `rows` become visible when pushed; the test wakes the stream as its poll would. */
function memorySource(rows: FeedEntry[] = []) {
  const reads: (FeedPosition | undefined)[] = [];
  let left = 0;
  const source: FeedSource = {
    page: async (after, limit) => {
      reads.push(after);
      return rows.filter((r) => !after || Number(r.position.seq) > Number(after.seq)).slice(0, limit);
    },
    leave: () => left++,
  };
  return { source, rows, reads, left: () => left };
}

describe('TicketChangeStream', () => {
  it('replays page by page from the cursor, then delivers what a wake-up reveals, in order', async () => {
    const feed = memorySource([entry(1), entry(2), entry(3)]);
    const stream = new TicketChangeStream(feed.source, { xactId: '1', seq: '1' }, 2);
    expect((await stream.next()).value.position.seq).toBe('2');
    expect((await stream.next()).value.position.seq).toBe('3');
    const waiting = stream.next();
    await new Promise((r) => setImmediate(r));
    expect(stream.position).toEqual({ xactId: '1', seq: '3' });
    feed.rows.push(entry(4));
    stream.wake();
    expect((await waiting).value.position.seq).toBe('4');
    // Every read continued from the last delivered position.
    expect(feed.reads.map((r) => r?.seq)).toEqual(['1', '3', '3']);
    await stream.return();
    expect(feed.left()).toBe(1);
  });

  it('reads again when woken during a read that came back empty (the wake-up may be about what that read missed)', async () => {
    const feed = memorySource();
    let release!: () => void;
    feed.source.page = async (after) => {
      feed.reads.push(after);
      const snapshot = feed.rows.slice(0, 1);
      if (feed.reads.length === 1) await new Promise<void>((r) => (release = r));
      return snapshot;
    };
    const stream = new TicketChangeStream(feed.source, undefined, 2);
    const waiting = stream.next();
    await new Promise((r) => setImmediate(r));
    feed.rows.push(entry(1));
    stream.wake();
    release(); // the first read answers empty (its snapshot was taken before the change)
    expect((await waiting).value.position.seq).toBe('1');
    expect(feed.reads.length).toBe(2);
    await stream.return();
  });

  it('on return() ends a next() waiting on a read that never answers, and leaves its poll once', async () => {
    const feed = memorySource();
    feed.source.page = () => new Promise(() => undefined); // a database that hangs
    const stream = new TicketChangeStream(feed.source, undefined, 2);
    const waiting = stream.next();
    await new Promise((r) => setImmediate(r));
    await stream.return();
    await stream.return();
    expect(feed.left()).toBe(1);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });

  it('on return() ends a next() waiting for the next change', async () => {
    const feed = memorySource();
    const stream = new TicketChangeStream(feed.source, undefined, 2);
    const waiting = stream.next();
    await new Promise((r) => setTimeout(r, 5));
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(feed.left()).toBe(1);
  });
});
