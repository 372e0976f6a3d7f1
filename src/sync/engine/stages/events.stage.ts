import { Injectable } from '@nestjs/common';
import { TicketReconcileRepository } from '../../../tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { MAX_REMEMBERED_EVENT_IDS, WATERMARK_OVERLAP_MS } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { CoverageEvents } from '../events/coverage-events';
import { eventTargets } from '../events/event-targets';
import { readSyncEvents } from '../events/sync-events.reader';
import { RunSession } from '../session/run-session';
import { storeOrder, TicketRefresher } from '../source/ticket-refresher';
import { SyncStageRunner, Watermarks } from './sync-stage';
import { sourceTimeMs } from '../source/helpdesk-source';

/** Tickets re-read per page transaction (the reads happen before it opens). */
const REFRESH_BATCH = 20;

/**
 * What the list walks cannot see, read from the events list: deleted tickets (gone from lists),
 * and trash, restore, merges and message changes, which need not move a ticket's `updated_datetime`
 * (and a trashed ticket's messages may leave the messages list). Each affected ticket is re-read once
 * with the ticket refresher; a merged-away ticket answers 404 and is deleted here, its messages now
 * under the target. Events already handled inside the overlap window are remembered, so a quiet run
 * costs one events call. The same events carry issue 24's changes (users, teams, tags, ticket histories):
 * CoverageEvents acts on them.
 */
@Injectable()
export class EventsStage implements SyncStageRunner {
  constructor(
    private readonly write: TicketWriteRepository,
    private readonly reconcile: TicketReconcileRepository,
    private readonly refresher: TicketRefresher,
    private readonly coverage: CoverageEvents,
  ) {}

  async run(session: RunSession, next: SyncStage, watermarks: Watermarks): Promise<void> {
    session.phase = 'reading trash, merges and deletions';
    const { cursors, dataSource } = session.services;
    const watermark = watermarks.events;
    const since = watermark && !session.checkpoint.initial ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS) : null;
    let newest: string | null = null;
    let handled: { id: string; at: string }[] = [];
    if (since) {
      const events = await readSyncEvents(session, since);
      for (const e of events) if (!newest || sourceTimeMs(e?.created_datetime) > sourceTimeMs(newest)) newest = e.created_datetime;
      const alreadyHandled = await cursors.handledIds(session.scope.connectorId, 'events');
      const targets = eventTargets(events, since.getTime(), alreadyHandled);
      // Issue 24: users, teams, tags and ticket histories, from the same events (no call when none).
      const coverage = await this.coverage.apply(session, events, since.getTime(), alreadyHandled);
      handled = [...targets.handled, ...coverage.handled];
      if (targets.deletedTicketIds.length) {
        await session.page(async (tx, changes) => {
          session.tally.ticketsDeleted += changes.addDeletions(
            await this.write.markTicketsDeleted(tx, session.scope, targets.deletedTicketIds, new Date()),
          );
        });
      }
      const placements = await this.reconcile.findMessagePlacements(dataSource.manager, session.scope, targets.messageIds);
      const ticketIds = [...new Set([...targets.ticketIds, ...placements.map((p) => p.ticketExternalId), ...coverage.ticketIds])];
      await this.refresh(session, ticketIds);
    }
    // The first run starts the events watermark now: nothing synced before can have been deleted since.
    const candidate = newest && sourceTimeMs(newest) > 0 ? new Date(sourceTimeMs(newest)) : (session.run.startedAt ?? new Date());
    const effective = watermark && watermark > candidate ? watermark : candidate;
    const windowStart = effective.getTime() - WATERMARK_OVERLAP_MS;
    const remembered = handled
      .filter((h) => sourceTimeMs(h.at) >= windowStart)
      .map((h) => h.id)
      .slice(-MAX_REMEMBERED_EVENT_IDS);
    await session.page(async (tx) => {
      await cursors.setWatermark(tx, session.scope, 'events', candidate, session.watermarkCap);
      await cursors.setHandledIds(tx, session.scope, 'events', [...new Set(remembered)]);
      session.advance(next);
    });
  }

  /** Re-reads the tickets a batch at a time: calls first, then one short transaction per batch. */
  private async refresh(session: RunSession, ticketIds: string[]): Promise<void> {
    if (!ticketIds.length) return;
    const totals = { tickets: 0, messages: 0, removed: 0, deleted: 0 };
    for (let i = 0; i < ticketIds.length; i += REFRESH_BATCH) {
      const reads = await this.refresher.readAll(
        session.source,
        session.services.dataSource.manager,
        session.scope,
        ticketIds.slice(i, i + REFRESH_BATCH),
      );
      // A ticket the database refuses (with its messages) is quarantined; the others are stored.
      await session.itemPage({
        items: storeOrder(reads),
        identify: (read) => ({ type: 'ticket', id: read.externalId }),
        store: async (tx, items, changes) => {
          const r = await this.refresher.storeAll(tx, session.scope, items, changes);
          session.tally.ticketsRead += r.tickets;
          session.tally.ticketsSynced += r.ticketsChanged;
          session.tally.messagesSynced += r.messages;
          session.tally.ticketsDeleted += r.deleted;
          totals.tickets += r.tickets;
          totals.messages += r.messages;
          totals.removed += r.removed;
          totals.deleted += r.deleted;
        },
      });
    }
    await session.logs.info(
      session.scope,
      `Re-read ${totals.tickets + totals.deleted} tickets changed in Gorgias by trash, restore, merges or message changes: ` +
        `${totals.messages} messages stored, ${totals.removed} messages gone from Gorgias marked deleted, ${totals.deleted} tickets no longer in Gorgias marked deleted.`,
    );
  }
}
