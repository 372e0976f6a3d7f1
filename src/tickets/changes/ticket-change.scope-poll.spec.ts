import { FeedPosition } from './ticket-change-cursor';
import { FeedEntry } from './ticket-change.repository';
import { FeedProbe, FeedScopePoll } from './ticket-change.scope-poll';

const entry = (seq: number): FeedEntry => ({
  position: { xactId: '1', seq: String(seq) },
  changedAt: new Date(0),
  row: { external_id: String(seq) } as never,
});
const timings = { pageSize: 10, pendingPollMs: 10, maxPendingPollMs: 40, idlePollMs: 1_000 };
const after = (seq: number): FeedPosition => ({ xactId: '1', seq: String(seq) });

/** A scope's feed in memory: `rows` are visible, `held` wait behind the horizon; every read is counted. */
function memoryFeed() {
  const feed = { rows: [] as FeedEntry[], held: [] as FeedEntry[], pages: 0, probes: 0, left: [] as number[] };
  const poll = new FeedScopePoll(
    { tenantId: 't', connectorId: 'c' },
    {
      page: async (at, limit) => {
        feed.pages++;
        return feed.rows.filter((r) => !at || Number(r.position.seq) > Number(at.seq)).slice(0, limit);
      },
      probe: async (): Promise<FeedProbe> => {
        feed.probes++;
        return { tip: feed.rows.at(-1)?.position ?? null, pending: feed.held.length > 0 };
      },
    },
    timings,
    { onLeave: (remaining) => feed.left.push(remaining), onError: (e) => fail(e) },
  );
  return { feed, poll };
}

describe('FeedScopePoll', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('costs one probe per idle period however many streams wait, and one page read for streams at the same position', async () => {
    for (const streams of [1, 50]) {
      const { feed, poll } = memoryFeed();
      const open = Array.from({ length: streams }, () => poll.open(after(0)));
      const waiting = open.map((s) => s.next());
      await jest.advanceTimersByTimeAsync(timings.pendingPollMs); // the first probe: nothing pending
      feed.pages = feed.probes = 0;
      await jest.advanceTimersByTimeAsync(10 * timings.idlePollMs);
      expect({ streams, probes: feed.probes, pages: feed.pages }).toEqual({ streams, probes: 10, pages: 0 });
      // A change and its notification: every stream reads it, through one shared read.
      feed.rows.push(entry(1));
      poll.notify({ tenantId: 't', connectorId: 'c' });
      for (const w of waiting) expect((await w).value.position.seq).toBe('1');
      expect(feed.pages).toBe(1);
      for (const s of open) await s.return();
      expect(feed.left.at(-1)).toBe(0);
    }
  });

  it('follows changes held behind the horizon by itself, backing off, and wakes the streams behind the tip, not those at it', async () => {
    const { feed, poll } = memoryFeed();
    feed.rows.push(entry(1));
    const behind = poll.open(after(0));
    const atTip = poll.open(after(1));
    expect((await behind.next()).value.position.seq).toBe('1');
    const waitingBehind = behind.next();
    const waitingAtTip = atTip.next();
    await jest.advanceTimersByTimeAsync(0);
    feed.held.push(entry(2)); // committed, but an older transaction (another tenant's: no notification) still runs
    await jest.advanceTimersByTimeAsync(timings.pendingPollMs);
    const probesWhileHeld = feed.probes;
    await jest.advanceTimersByTimeAsync(10 + 20 + 40 + 40);
    expect(feed.probes - probesWhileHeld).toBe(4); // 10, 20, 40, then at most 40 ms apart
    const pagesBefore = feed.pages;
    feed.rows.push(feed.held.pop()!); // the older transaction ended
    await jest.advanceTimersByTimeAsync(timings.maxPendingPollMs);
    expect((await waitingBehind).value.position.seq).toBe('2');
    expect((await waitingAtTip).value.position.seq).toBe('2');
    expect(feed.pages - pagesBefore).toBe(1); // both at the same position: one shared read
    // Both at the tip now: later probes wake neither.
    const pagesAtTip = feed.pages;
    const next = [behind.next(), atTip.next()];
    await jest.advanceTimersByTimeAsync(3 * timings.idlePollMs);
    expect(feed.pages - pagesAtTip).toBe(1); // the shared read that found nothing more, and none after
    await behind.return();
    await atTip.return();
    expect(await Promise.all(next)).toEqual([
      { value: undefined, done: true },
      { value: undefined, done: true },
    ]);
  });

  it("ignores other tenants' notifications, and the tenant's other connectors' unless changes wait behind the horizon", async () => {
    const { feed, poll } = memoryFeed();
    const stream = poll.open(after(0));
    const waiting = stream.next();
    await jest.advanceTimersByTimeAsync(timings.pendingPollMs);
    const before = { pages: feed.pages, probes: feed.probes };
    poll.notify({ tenantId: 'other', connectorId: 'c' });
    poll.notify({ tenantId: 't', connectorId: 'other-connector' });
    await jest.advanceTimersByTimeAsync(timings.pendingPollMs);
    expect({ pages: feed.pages, probes: feed.probes }).toEqual(before);
    feed.held.push(entry(1));
    poll.notify({ tenantId: 't', connectorId: 'c' }); // our own commit, held: the probe that follows sees it wait
    await jest.advanceTimersByTimeAsync(timings.pendingPollMs);
    const probes = feed.probes;
    feed.rows.push(feed.held.pop()!);
    poll.notify({ tenantId: 't', connectorId: 'other-connector' }); // while waiting: looked at at once
    await jest.advanceTimersByTimeAsync(0);
    expect(feed.probes).toBe(probes + 1);
    expect((await waiting).value.position.seq).toBe('1');
    await stream.return();
  });
});
