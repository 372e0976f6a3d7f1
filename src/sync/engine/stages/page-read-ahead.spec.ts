import { SyncPageSpan } from '../../../observability/tracing/sync-page.span';
import { SourcePage } from '../source/helpdesk-source';
import { PageReadAhead } from './page-read-ahead';

/** A list of `pages` pages of one item each, cursors "c1", "c2", …; the last page has no next cursor. */
function list(pages: number, failAt?: string) {
  const asked: (string | null)[] = [];
  const fetch = async (cursor: string | null): Promise<SourcePage<number>> => {
    asked.push(cursor);
    if (cursor !== null && cursor === failAt) throw new Error(`refused ${cursor}`);
    const n = cursor === null ? 1 : Number(cursor.slice(1));
    return { data: [n], meta: { next_cursor: n < pages ? `c${n + 1}` : null, prev_cursor: null } } as SourcePage<number>;
  };
  return { asked, fetch };
}

const ended: unknown[] = [];
const span = (): SyncPageSpan => ({ run: (fn) => fn(), end: (e) => void ended.push(e) });
const settle = () => new Promise((r) => setImmediate(r));

describe('PageReadAhead', () => {
  beforeEach(() => (ended.length = 0));

  it('reads at most `depth` pages ahead of what is taken, and more as pages are taken', async () => {
    const { asked, fetch } = list(10);
    const ahead = new PageReadAhead(fetch, (p) => !p.meta.next_cursor, 3, span);
    ahead.startAt(null);
    await settle();
    expect(asked).toEqual([null, 'c2', 'c3']);
    expect((await ahead.take()).page!.data).toEqual([1]);
    expect(ahead.takeReady()!.page!.data).toEqual([2]);
    await settle();
    expect(asked).toEqual([null, 'c2', 'c3', 'c4', 'c5']);
    ahead.stop();
    expect(ended).toHaveLength(3); // pages 3 to 5, read and never taken
  });

  it('never asks past the page that ends the walk', async () => {
    const { asked, fetch } = list(2);
    const ahead = new PageReadAhead(fetch, (p) => !p.meta.next_cursor, 5, span);
    ahead.startAt(null);
    expect((await ahead.take()).page!.data).toEqual([1]);
    expect((await ahead.take()).page!.data).toEqual([2]);
    await settle();
    expect(asked).toEqual([null, 'c2']);
    await expect(ahead.take()).rejects.toThrow('read past the last page');
  });

  it('keeps a failed call for the walk to handle after the pages before it, asks nothing after it, and never hands it out as ready', async () => {
    const { asked, fetch } = list(10, 'c3');
    const ahead = new PageReadAhead(fetch, (p) => !p.meta.next_cursor, 5, span);
    ahead.startAt('c2');
    expect((await ahead.take()).page!.data).toEqual([2]);
    await settle();
    expect(ahead.peekReady()).toBeUndefined();
    expect(ahead.takeReady()).toBeUndefined();
    const failed = await ahead.take();
    expect((failed.error as Error).message).toBe('refused c3');
    expect(failed.cursor).toBe('c3');
    expect(asked).toEqual(['c2', 'c3']);
    // The walk may start over (a refused cursor): reading resumes where it is told.
    ahead.startAt(null);
    expect((await ahead.take()).page!.data).toEqual([1]);
    ahead.stop();
  });

  it('drops a page that arrives after the walk stopped (a lost lease), ending its trace', async () => {
    let answer: (p: SourcePage<number>) => void = () => undefined;
    const ahead = new PageReadAhead<number>(
      () => new Promise((r) => (answer = r)),
      () => false,
      5,
      span,
    );
    ahead.startAt(null);
    ahead.stop(new Error('lease lost'));
    answer({ data: [1], meta: { next_cursor: 'c2', prev_cursor: null } } as SourcePage<number>);
    await settle();
    expect(ahead.peekReady()).toBeUndefined();
    expect(ended).toEqual([undefined]);
  });

  it('prepares each page when it arrives, before the walk takes it; a page whose preparation throws is handed out unprepared', async () => {
    const { fetch } = list(3);
    const prepared: number[] = [];
    const ahead = new PageReadAhead(
      fetch,
      (p) => !p.meta.next_cursor,
      5,
      span,
      (page) => {
        prepared.push(page.data[0]);
        if (page.data[0] === 2) throw new Error('unmappable');
        return `rows of ${page.data[0]}`;
      },
    );
    ahead.startAt(null);
    await settle();
    expect(prepared).toEqual([1, 2, 3]);
    const pages = [await ahead.take(), await ahead.take(), await ahead.take()];
    expect(pages.map((p) => [p.page!.data[0], p.prepared, p.error])).toEqual([
      [1, 'rows of 1', undefined],
      [2, undefined, undefined],
      [3, 'rows of 3', undefined],
    ]);
    ahead.stop();
  });
});
