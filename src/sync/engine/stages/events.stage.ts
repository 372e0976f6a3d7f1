import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TicketReconcileRepository } from '../../../tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { MAX_REMEMBERED_EVENT_IDS, WATERMARK_OVERLAP_MS } from '../../sync.constants';
import { EventsStagePlan, SyncStage } from '../../sync-run.types';
import { CoverageEvents, CoverageEventsFound } from '../events/coverage-events';
import { eventTargets } from '../events/event-targets';
import { readSyncEvents } from '../events/sync-events.reader';
import { PageChangeSet } from '../session/page-changes';
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
    const plan = session.checkpoint.events ?? (await this.plan(session, watermarks));
    await this.refresh(session, plan);
    await session.page(async (tx) => {
      const { cursors } = session.services;
      await cursors.setWatermark(tx, session.scope, 'events', new Date(plan.watermark), session.watermarkCap);
      await cursors.setHandledIds(tx, session.scope, 'events', plan.remembered);
      session.advance(next);
    });
  }

  /**
   * Reads the events and acts on those that need no ticket read (deletions, issue 24's objects); what is
   * left, the tickets to re-read, is saved in the checkpoint with the same page transaction. No event to act
   * on: no page (the stage's last page follows at once).
   */
  private async plan(session: RunSession, watermarks: Watermarks): Promise<EventsStagePlan> {
    const { cursors, dataSource } = session.services;
    const watermark = watermarks.events;
    // The first run starts the events watermark now: nothing synced before can have been deleted since.
    const firstWatermark = (session.run.startedAt ?? new Date()).toISOString();
    if (!watermark || session.checkpoint.initial) return { ticketIds: [], refreshed: 0, watermark: firstWatermark, remembered: [] };
    const since = new Date(watermark.getTime() - WATERMARK_OVERLAP_MS);

    const events = await readSyncEvents(session, since);
    let newest: string | null = null;
    for (const e of events) if (!newest || sourceTimeMs(e?.created_datetime) > sourceTimeMs(newest)) newest = e.created_datetime;
    const candidate = newest && sourceTimeMs(newest) > 0 ? new Date(sourceTimeMs(newest)) : new Date(firstWatermark);
    const alreadyHandled = await cursors.handledIds(session.scope.connectorId, 'events');
    const targets = eventTargets(events, since.getTime(), alreadyHandled);
    const placements = await this.reconcile.findMessagePlacements(dataSource.manager, session.scope, targets.messageIds);
    const named = [...targets.ticketIds, ...placements.map((p) => p.ticketExternalId)];

    const planOf = (coverage: CoverageEventsFound): EventsStagePlan => {
      const effective = watermark > candidate ? watermark : candidate;
      const windowStart = effective.getTime() - WATERMARK_OVERLAP_MS;
      const remembered = [...targets.handled, ...coverage.handled]
        .filter((h) => sourceTimeMs(h.at) >= windowStart)
        .map((h) => h.id)
        .slice(-MAX_REMEMBERED_EVENT_IDS);
      return {
        ticketIds: [...new Set([...named, ...coverage.ticketIds])],
        refreshed: 0,
        watermark: candidate.toISOString(),
        remembered: [...new Set(remembered)],
      };
    };
    let plan: EventsStagePlan | undefined;
    const writePlan = async (tx: EntityManager, changes: PageChangeSet, coverage: CoverageEventsFound) => {
      if (targets.deletedTicketIds.length)
        session.tally.ticketsDeleted += changes.addDeletions(
          await this.write.markTicketsDeleted(tx, session.scope, targets.deletedTicketIds, new Date()),
        );
      plan = planOf(coverage);
      if (plan.ticketIds.length) session.checkpoint.events = plan;
    };
    // Issue 24: users, teams, tags and ticket histories, from the same events (no call when none); the
    // deletions and the plan commit in its page.
    const coverage = await this.coverage.apply(session, events, since.getTime(), alreadyHandled, writePlan);
    if (!coverage.committed && (targets.deletedTicketIds.length || named.length)) {
      await session.page((tx, changes) => writePlan(tx, changes, coverage));
    }
    return plan ?? planOf(coverage);
  }

  /**
   * Re-reads the plan's tickets a batch at a time: calls first, then one short transaction per batch, which
   * also leaves in the checkpoint's plan only the tickets still to re-read (each save then writes less).
   */
  private async refresh(session: RunSession, plan: EventsStagePlan): Promise<void> {
    const { ticketIds } = plan;
    if (!ticketIds.length) return;
    const totals = { tickets: 0, messages: 0, removed: 0, deleted: 0 };
    for (let i = 0; i < ticketIds.length; i += REFRESH_BATCH) {
      const end = Math.min(i + REFRESH_BATCH, ticketIds.length);
      const reads = await this.refresher.readAll(
        session.source,
        session.services.dataSource.manager,
        session.scope,
        ticketIds.slice(i, end),
      );
      // A ticket the database refuses (with its messages) is quarantined; the others are stored.
      let batch = { tickets: 0, messages: 0, removed: 0, deleted: 0 };
      await session.itemPage({
        items: storeOrder(reads),
        identify: (read) => ({ type: 'ticket', id: read.externalId }),
        begin: () => (batch = { tickets: 0, messages: 0, removed: 0, deleted: 0 }),
        store: async (tx, items, changes) => {
          const r = await this.refresher.storeAll(tx, session.scope, items, changes);
          session.tally.ticketsRead += r.tickets;
          session.tally.ticketsSynced += r.ticketsChanged;
          session.tally.messagesSynced += r.messages;
          session.tally.ticketsDeleted += r.deleted;
          batch.tickets += r.tickets;
          batch.messages += r.messages;
          batch.removed += r.removed;
          batch.deleted += r.deleted;
        },
        // The checkpoint's plan (restored in place after a refused page: read it from the session).
        then: () =>
          Promise.resolve(void (session.checkpoint.events = { ...plan, ticketIds: ticketIds.slice(end), refreshed: plan.refreshed + end })),
      });
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += batch[k];
    }
    await session.logs.info(
      session.scope,
      `Re-read ${totals.tickets + totals.deleted} tickets changed in Gorgias by trash, restore, merges or message changes` +
        (plan.refreshed ? ` (the ${ticketIds.length} a failed attempt left, after its ${plan.refreshed}): ` : ': ') +
        `${totals.messages} messages stored, ${totals.removed} messages gone from Gorgias marked deleted, ${totals.deleted} tickets no longer in Gorgias marked deleted.`,
    );
  }
}
