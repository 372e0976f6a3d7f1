import { EntityManager } from 'typeorm';
import { startSyncPageSpan, SyncPageSpan } from '../../../observability/tracing/sync-page.span';
import { PAGES_PER_TRANSACTION, WATERMARK_OVERLAP_MS } from '../../sync.constants';
import { SyncCheckpoint, SyncStage } from '../../sync-run.types';
import { PageChangeSet } from '../session/page-changes';
import { RunSession } from '../session/run-session';
import { stagePercent, walkFraction } from '../stage-plan';
import { FetchedPage, PageReadAhead } from './page-read-ahead';
import { findMissedOlder } from './walk-completeness';
import { HelpdeskApiError, SourcePage, sourceTimeMs } from '../source/helpdesk-source';

export interface ListWalkSpec<T, P = unknown> {
  stream: 'messages' | 'tickets';
  fetch: (cursor?: string) => Promise<SourcePage<T>>;
  fetchOldest: () => Promise<SourcePage<T>>;
  fetchTop?: () => Promise<SourcePage<T>>;
  /** The walk's sort key of an item. */
  timestamp: (item: T) => string;
  /** What becomes the stream's watermark (default: the sort key). */
  watermarkOf?: (item: T) => string;
  apply: (tx: EntityManager, items: T[], changes: PageChangeSet) => Promise<void>;
  /**
   * Optional: a page's rows made ready to write (mapped, serialised) when the page is read, so that
   * this CPU work overlaps the database writing the batch before; `applyPrepared` then writes a batch
   * from its pages' prepared forms. `apply` still writes a page that could not be prepared, and every
   * item on its own when the database refuses the batch (poison rows).
   */
  prepare?: (items: T[]) => P;
  applyPrepared?: (tx: EntityManager, pages: P[], changes: PageChangeSet) => Promise<void>;
  /** Gorgias' id of an item (named when the item has to be quarantined). */
  idOf: (item: T) => number;
  /**
   * Optional: run once per walk, after its first batch is committed (each resumed walk runs it again):
   * the planner statistics of a table an initial run is filling (planner-statistics.repository.ts).
   */
  afterFirstWrite?: () => Promise<void>;
}

/**
 * Walks one list newest first. Stops below `watermark - overlap` (never, on an initial run).
 * The newest timestamp at the start becomes the stream's watermark once the walk completes.
 * Pages are read ahead (page-read-ahead.ts) and those already read when a write starts are written
 * together in one transaction (at most PAGES_PER_TRANSACTION): its checkpoint names the last of them.
 */
export async function walkList<T, P>(
  session: RunSession,
  next: SyncStage,
  watermark: Date | null | undefined,
  spec: ListWalkSpec<T, P>,
): Promise<void> {
  // One trace per page (tracing): its Gorgias call, read ahead or not; a batch's write is in its first page's.
  const firstSpan = startSyncPageSpan(session.spanScope());
  let first: SyncPageSpan | null = firstSpan;
  const spanOf = () => {
    const span = first ?? startSyncPageSpan(session.spanScope());
    first = null;
    return span;
  };
  const cp = session.checkpoint;
  const ahead = new PageReadAhead<T>(
    (cursor) => spec.fetch(cursor ?? undefined),
    (page) => pageEndsWalk(cp, spec, page),
    PAGES_PER_TRANSACTION,
    spanOf,
    // The walk's range is fixed before the first page is read (stopBefore), so a page's rows are known then.
    spec.prepare ? (page) => spec.prepare!(inRangeOf(cp, spec, page.data)) : undefined,
  );
  try {
    await walkPages(session, next, watermark, spec, ahead, firstSpan);
    ahead.stop();
  } catch (e) {
    ahead.stop(e);
    firstSpan.end(e); // when the walk failed before its first page was read (a no-op otherwise)
    throw e;
  }
}

/** The items of a page the walk stores (those at or above `stopBefore`). */
function inRangeOf<T, P>(cp: SyncCheckpoint, spec: ListWalkSpec<T, P>, items: T[]): T[] {
  const stopMs = sourceTimeMs(cp.stopBefore);
  return cp.stopBefore ? items.filter((i) => sourceTimeMs(spec.timestamp(i)) >= stopMs) : items;
}

/** The walk ends with this page: the list ran out, or the page reaches below the watermark. */
function pageEndsWalk<T, P>(cp: SyncCheckpoint, spec: ListWalkSpec<T, P>, page: SourcePage<T>): boolean {
  const items = page.data;
  return !page.meta?.next_cursor || items.length === 0 || inRangeOf(cp, spec, items).length < items.length;
}

async function walkPages<T, P>(
  session: RunSession,
  next: SyncStage,
  watermark: Date | null | undefined,
  spec: ListWalkSpec<T, P>,
  ahead: PageReadAhead<T>,
  firstSpan: SyncPageSpan,
): Promise<void> {
  const cp = session.checkpoint;
  const { stream } = spec;
  const label = stream;
  if (cp.position === undefined) {
    // First entry into this stage (a resumed run keeps what it had). Read in the first page's trace.
    const span = firstSpan;
    cp.cursor = null;
    cp.position = null;
    cp.positionId = null;
    cp.stopBefore = !cp.initial && watermark ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS).toISOString() : null;
    if (cp.initial) {
      const oldest = (await span.run(() => spec.fetchOldest())).data[0];
      cp.oldest = oldest ? spec.timestamp(oldest) : null;
      cp.oldestId = oldest ? spec.idOf(oldest) : null;
    }
    if (spec.fetchTop) {
      const top = (await span.run(() => spec.fetchTop!())).data[0];
      cp.pendingWatermark = top ? (spec.watermarkOf ?? spec.timestamp)(top) : null;
    }
    session.phase = `reading ${label}`;
  }
  ahead.startAt(cp.cursor ?? null);
  let restarted = false;
  let written = false;
  for (;;) {
    const head = await ahead.take();
    if (head.error !== undefined) {
      const e = head.error;
      head.span.end(e);
      // Cursors are good within one run only: after a long pause the API may refuse it.
      if (e instanceof HelpdeskApiError && e.code === 'BAD_REQUEST' && cp.cursor && !restarted) {
        restarted = true;
        await session.logs.warn(
          session.scope,
          `The ${label} page cursor was refused by Gorgias; restarting the ${label} walk (rows already synced are kept).`,
        );
        cp.cursor = null;
        ahead.startAt(null);
        continue;
      }
      throw e;
    }
    const batch = [head];
    // Pages already read join the batch (never waited for: a quiet account's pages are written as they come).
    const ids = new Set(head.page!.data.map(spec.idOf));
    for (
      let more = ahead.peekReady();
      more && batch.length < PAGES_PER_TRANSACTION && !pageEndsWalk(cp, spec, batch[batch.length - 1].page!);
      more = ahead.peekReady()
    ) {
      // An item listed twice stays in two transactions, written in the order read (as one page each would be).
      if (more.page!.data.some((i) => ids.has(spec.idOf(i)))) break;
      more.page!.data.forEach((i) => ids.add(spec.idOf(i)));
      batch.push(ahead.takeReady()!);
    }
    try {
      const done = await writeBatch(session, next, spec, batch);
      if (!written && spec.afterFirstWrite) await batch[0].span.run(spec.afterFirstWrite);
      written = true;
      for (const f of batch) f.span.end();
      if (done) return;
    } catch (e) {
      for (const f of batch) f.span.end(e);
      throw e;
    }
  }
}

/**
 * Writes the pages of one batch in one transaction (item-page.ts: row by row when the database
 * refuses it) and moves the checkpoint past the last of them. Returns whether the walk is done.
 */
async function writeBatch<T, P>(session: RunSession, next: SyncStage, spec: ListWalkSpec<T, P>, batch: FetchedPage<T>[]): Promise<boolean> {
  const cp = session.checkpoint;
  const { stream } = spec;
  const items: T[] = [];
  let done = false;
  const last = batch[batch.length - 1];
  const span = batch[0].span;
  for (const { cursor, page } of batch) {
    const all = page!.data;
    if (!cursor && !cp.pendingWatermark && all.length) cp.pendingWatermark = (spec.watermarkOf ?? spec.timestamp)(all[0]);
    const inRange = inRangeOf(cp, spec, all);
    done = pageEndsWalk(cp, spec, page!);
    if (inRange.length) {
      cp.position = spec.timestamp(inRange[inRange.length - 1]);
      cp.positionId = spec.idOf(inRange[inRange.length - 1]);
    }
    items.push(...inRange);
    // A walk of the whole list that ran out of pages: whether Gorgias still lists something older
    // than where it ended (evidence of a cut, not the size of the last page). A walk down to a
    // watermark that ran out first means everything changed since: nothing older to miss.
    if (done && !cp.stopBefore && inRange.length === all.length) await reportMissedOlder(session, spec, span);
  }
  const fraction = done ? 1 : walkFraction(cp);
  session.tally.percent = stagePercent(cp.stage!, fraction);
  // From what was read, not what changed: a FULL re-read of unchanged data still estimates the total.
  if (stream === 'tickets' && fraction >= 0.02)
    session.tally.ticketsTotal = Math.round((session.tally.ticketsRead + items.length) / fraction);
  // Written from the pages' prepared rows when every page has them; otherwise mapped here, as before.
  const prepared = batch.map((f) => f.prepared as P | undefined);
  const applyPrepared = spec.applyPrepared;
  const together =
    applyPrepared && prepared.every((p) => p !== undefined)
      ? (tx: EntityManager, changes: PageChangeSet) => applyPrepared(tx, prepared as P[], changes)
      : undefined;
  await span.run(() =>
    session.itemPage({
      items,
      store: spec.apply,
      storeTogether: together,
      identify: (item) => ({ type: stream === 'tickets' ? 'ticket' : 'message', id: spec.idOf(item) }),
      then: async (tx) => {
        if (stream === 'tickets') session.tally.ticketsRead += items.length;
        else session.tally.messagesRead += items.length;
        if (done) {
          if (cp.pendingWatermark) {
            await session.services.cursors.setWatermark(tx, session.scope, stream, cp.pendingWatermark, session.watermarkCap);
          }
          session.advance(next);
        } else {
          cp.cursor = last.page!.meta.next_cursor;
        }
      },
    }),
  );
  await span.run(() => session.publish());
  if (done) {
    await span.run(() =>
      session.logs.info(
        session.scope,
        stream === 'messages'
          ? `Read messages: ${session.tally.messagesRead} so far in this run, ${session.tally.messagesSynced} of them new or changed.`
          : `Read tickets: ${session.tally.ticketsRead} so far in this run, ${session.tally.ticketsSynced} of them new or changed.`,
      ),
    );
  }
  return done;
}

async function reportMissedOlder<T, P>(session: RunSession, spec: ListWalkSpec<T, P>, span: SyncPageSpan): Promise<void> {
  const cp = session.checkpoint;
  const { stream } = spec;
  const missed = await span.run(() => findMissedOlder(cp, spec));
  if (!missed) return;
  // The sweep relies on the tickets walk having seen every ticket.
  if (stream === 'tickets') cp.incompleteWalk = true;
  await session.logs.warn(
    session.scope,
    `Gorgias ended the ${stream} list without a next page, but still lists an older ${stream === 'tickets' ? 'ticket' : 'message'} ` +
      `(${missed.id}, ${missed.timestamp}) than the last one read: the walk was cut short. ` +
      (stream === 'tickets' && session.run.mode === 'FULL'
        ? 'No ticket is marked deleted by this run.'
        : 'Records past it may be missing until they change in Gorgias or a FULL sync reads them.'),
  );
}
