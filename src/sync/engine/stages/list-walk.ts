import { EntityManager } from 'typeorm';
import { SyncPageSpans } from '../../../observability/tracing/sync-page.span';
import { WATERMARK_OVERLAP_MS } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { PageChangeSet } from '../session/page-changes';
import { RunSession } from '../session/run-session';
import { stagePercent, walkFraction } from '../stage-plan';
import { findMissedOlder } from './walk-completeness';
import { HelpdeskApiError, SourcePage, sourceTimeMs } from '../source/helpdesk-source';

export interface ListWalkSpec<T> {
  stream: 'messages' | 'tickets';
  fetch: (cursor?: string) => Promise<SourcePage<T>>;
  fetchOldest: () => Promise<SourcePage<T>>;
  fetchTop?: () => Promise<SourcePage<T>>;
  /** The walk's sort key of an item. */
  timestamp: (item: T) => string;
  /** What becomes the stream's watermark (default: the sort key). */
  watermarkOf?: (item: T) => string;
  apply: (tx: EntityManager, items: T[], changes: PageChangeSet) => Promise<void>;
  /** Gorgias' id of an item (named when the item has to be quarantined). */
  idOf: (item: T) => number;
}

/**
 * Walks one list newest first. Stops below `watermark - overlap` (never, on an initial run).
 * The newest timestamp at the start becomes the stream's watermark once the walk completes.
 */
export async function walkList<T>(
  session: RunSession,
  next: SyncStage,
  watermark: Date | null | undefined,
  spec: ListWalkSpec<T>,
): Promise<void> {
  // One trace per page (tracing): from its Gorgias call, prefetched or not, to its write.
  const spans = new SyncPageSpans(() => session.spanScope());
  try {
    await walkPages(session, next, watermark, spec, spans);
    spans.end();
  } catch (e) {
    spans.end(e);
    throw e;
  }
}

async function walkPages<T>(
  session: RunSession,
  next: SyncStage,
  watermark: Date | null | undefined,
  spec: ListWalkSpec<T>,
  spans: SyncPageSpans,
): Promise<void> {
  const cp = session.checkpoint;
  const { stream } = spec;
  const label = stream;
  if (cp.position === undefined) {
    // First entry into this stage (a resumed run keeps what it had).
    cp.cursor = null;
    cp.position = null;
    cp.positionId = null;
    cp.stopBefore = !cp.initial && watermark ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS).toISOString() : null;
    if (cp.initial) {
      const oldest = (await spans.run(() => spec.fetchOldest())).data[0];
      cp.oldest = oldest ? spec.timestamp(oldest) : null;
      cp.oldestId = oldest ? spec.idOf(oldest) : null;
    }
    if (spec.fetchTop) {
      const top = (await spans.run(() => spec.fetchTop!())).data[0];
      cp.pendingWatermark = top ? (spec.watermarkOf ?? spec.timestamp)(top) : null;
    }
    session.phase = `reading ${label}`;
  }
  let restarted = false;
  // The next page is fetched while this one is written: the walk then runs at the pace of the
  // rate limit or of the database, whichever is slower, not of both added up.
  let prefetched: Promise<SourcePage<T>> | null = null;
  for (;;) {
    let page: SourcePage<T>;
    try {
      page = await (prefetched ?? spans.run(() => spec.fetch(cp.cursor ?? undefined)));
      prefetched = null;
    } catch (e) {
      prefetched = null;
      // Cursors are good within one run only: after a long pause the API may refuse it.
      if (e instanceof HelpdeskApiError && e.code === 'BAD_REQUEST' && cp.cursor && !restarted) {
        restarted = true;
        await session.logs.warn(
          session.scope,
          `The ${label} page cursor was refused by Gorgias; restarting the ${label} walk (rows already synced are kept).`,
        );
        cp.cursor = null;
        continue;
      }
      throw e;
    }
    const items = page.data;
    if (!cp.cursor && !cp.pendingWatermark && items.length) {
      cp.pendingWatermark = (spec.watermarkOf ?? spec.timestamp)(items[0]);
    }
    const stopMs = sourceTimeMs(cp.stopBefore);
    const inRange = cp.stopBefore ? items.filter((i) => sourceTimeMs(spec.timestamp(i)) >= stopMs) : items;
    const done = !page.meta?.next_cursor || inRange.length < items.length || items.length === 0;
    if (inRange.length) {
      cp.position = spec.timestamp(inRange[inRange.length - 1]);
      cp.positionId = spec.idOf(inRange[inRange.length - 1]);
    }
    // A walk of the whole list that ran out of pages: whether Gorgias still lists something older
    // than where it ended (evidence of a cut, not the size of the last page). A walk down to a
    // watermark that ran out first means everything changed since: nothing older to miss.
    if (done && !cp.stopBefore && inRange.length === items.length) {
      const missed = await spans.run(() => findMissedOlder(cp, spec));
      if (missed) {
        // The sweep relies on the tickets walk having seen every ticket.
        if (stream === 'tickets') cp.incompleteWalk = true;
        await session.logs.warn(
          session.scope,
          `Gorgias ended the ${label} list without a next page, but still lists an older ${stream === 'tickets' ? 'ticket' : 'message'} ` +
            `(${missed.id}, ${missed.timestamp}) than the last one read: the walk was cut short. ` +
            (stream === 'tickets' && session.run.mode === 'FULL'
              ? 'No ticket is marked deleted by this run.'
              : 'Records past it may be missing until they change in Gorgias or a FULL sync reads them.'),
        );
      }
    }
    const fraction = done ? 1 : walkFraction(cp);
    session.tally.percent = stagePercent(cp.stage!, fraction);
    // From what was read, not what changed: a FULL re-read of unchanged data still estimates the total.
    if (stream === 'tickets' && fraction >= 0.02)
      session.tally.ticketsTotal = Math.round((session.tally.ticketsRead + inRange.length) / fraction);
    if (!done) {
      prefetched = spans.runNext(() => spec.fetch(page.meta.next_cursor!));
      prefetched.catch(() => undefined); // its failure is handled where it is awaited, or it is abandoned
    }
    await spans.run(() =>
      session.itemPage({
        items: inRange,
        store: spec.apply,
        identify: (item) => ({ type: stream === 'tickets' ? 'ticket' : 'message', id: spec.idOf(item) }),
        then: async (tx) => {
          if (stream === 'tickets') session.tally.ticketsRead += inRange.length;
          else session.tally.messagesRead += inRange.length;
          if (done) {
            if (cp.pendingWatermark) {
              await session.services.cursors.setWatermark(tx, session.scope, stream, cp.pendingWatermark, session.watermarkCap);
            }
            session.advance(next);
          } else {
            cp.cursor = page.meta.next_cursor;
          }
        },
      }),
    );
    await spans.run(() => session.publish());
    if (done) {
      await spans.run(() =>
        session.logs.info(
          session.scope,
          stream === 'messages'
            ? `Read messages: ${session.tally.messagesRead} so far in this run, ${session.tally.messagesSynced} of them new or changed.`
            : `Read tickets: ${session.tally.ticketsRead} so far in this run, ${session.tally.ticketsSynced} of them new or changed.`,
        ),
      );
      return;
    }
    spans.nextPage();
  }
}
