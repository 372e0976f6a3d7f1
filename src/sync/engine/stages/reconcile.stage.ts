import { Injectable } from '@nestjs/common';
import { PlannerStatisticsRepository } from '../../../tickets/repositories/planner-statistics.repository';
import { MessageCountMismatch, TicketReconcileRepository } from '../../../tickets/repositories/ticket-reconcile.repository';
import { MAX_RECONCILED_TICKETS_PER_RUN, MAX_TRASHED_TICKETS_READ_PER_RUN } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../session/run-session';
import { RefreshResult, storeOrder, TicketRefresher } from '../source/ticket-refresher';
import { SyncStageRunner } from './sync-stage';

/** Trashed tickets read per page transaction. */
const TRASHED_BATCH = 20;

/**
 * The guide's "missing messages": a ticket whose stored messages differ from its count is re-read on
 * its own. Trashed tickets first: Gorgias may leave their messages out of the messages list, so a gap
 * there is expected (an initial sync reads each one with its ticket) and only summed up in the log.
 */
@Injectable()
export class ReconcileStage implements SyncStageRunner {
  constructor(
    private readonly reconcile: TicketReconcileRepository,
    private readonly refresher: TicketRefresher,
    private readonly statistics: PlannerStatisticsRepository,
  ) {}

  async run(session: RunSession, next: SyncStage): Promise<void> {
    session.phase = 'checking message counts';
    session.checkpoint.reconciled ??= 0;
    const db = session.services.dataSource.manager;
    if (session.checkpoint.initial) await this.statistics.analyzeIfNeverAnalyzed(db, ['tickets', 'messages']);
    const trashed = await this.reconcile.findMessageCountMismatches(db, session.scope, MAX_TRASHED_TICKETS_READ_PER_RUN, { trashed: true });
    let messages = 0;
    for (let i = 0; i < trashed.length; i += TRASHED_BATCH)
      messages += await this.readTrashed(session, trashed.slice(i, i + TRASHED_BATCH));
    if (trashed.length) {
      await session.logs.info(
        session.scope,
        `Read ${trashed.length} tickets in the Gorgias trash one by one with their ${messages} messages (Gorgias leaves them out of its messages list).`,
      );
    }
    const mismatches = await this.reconcile.findMessageCountMismatches(
      db,
      session.scope,
      MAX_RECONCILED_TICKETS_PER_RUN - session.checkpoint.reconciled,
      {
        trashed: false,
      },
    );
    for (const mismatch of mismatches) {
      const { result, expected, quarantined } = await this.reread(session, mismatch, true);
      if (quarantined) continue;
      await session.logs.warn(
        session.scope,
        `Ticket ${mismatch.externalId}: Gorgias reports ${mismatch.expected} messages but ${mismatch.stored} were stored; ${outcome(result, expected)}.`,
      );
    }
    // advance() only moves the checkpoint this page commits; nothing to await.
    await session.page(() => Promise.resolve(session.advance(next)));
  }

  /** Reads a batch of trashed tickets (no transaction open), then stores them in one page. Returns the messages stored. */
  private async readTrashed(session: RunSession, batch: MessageCountMismatch[]): Promise<number> {
    const reads = await this.refresher.readMany(
      session.source,
      batch.map((m) => m.externalId),
    );
    let stored = 0;
    // A ticket the database refuses (with its messages) is quarantined; the others are stored.
    await session.itemPage({
      items: storeOrder(reads),
      identify: (read) => ({ type: 'ticket', id: read.externalId }),
      begin: () => (stored = 0),
      store: async (tx, items, changes) => {
        const r = await this.refresher.storeAll(tx, session.scope, items, changes);
        await this.reconcile.markManyReconciled(
          tx,
          session.scope,
          items.filter((read) => read.snapshot).map((read) => read.externalId),
        );
        session.tally.messagesSynced += r.messages;
        session.tally.ticketsDeleted += r.deleted;
        stored += r.messages;
      },
    });
    return stored;
  }

  /** Reads one ticket (no transaction open), then stores it in one page. `result` is null when Gorgias no longer has it. */
  private async reread(
    session: RunSession,
    mismatch: MessageCountMismatch,
    counted: boolean,
  ): Promise<{ result: RefreshResult | null; expected: number; quarantined: boolean }> {
    const snapshot = await this.refresher.read(session.source, mismatch.externalId);
    let result: RefreshResult | null = null;
    // The ticket and its messages are one item: refused by the database, it is quarantined (and named in the log).
    const { quarantined } = await session.itemPage({
      items: [mismatch.externalId],
      identify: (externalId) => ({ type: 'ticket', id: externalId }),
      store: async (tx, _items, changes) => {
        if (!snapshot) {
          if (await this.refresher.storeGone(tx, session.scope, mismatch.externalId, changes)) session.tally.ticketsDeleted += 1;
          return;
        }
        result = await this.refresher.store(tx, session.scope, snapshot, changes);
        session.tally.messagesSynced += result.stored;
        await this.reconcile.markReconciled(tx, session.scope, mismatch.externalId);
      },
      then: () => {
        if (counted && snapshot) session.checkpoint.reconciled = (session.checkpoint.reconciled ?? 0) + 1;
        return Promise.resolve();
      },
    });
    return { result, expected: snapshot?.ticket.messages_count ?? mismatch.expected, quarantined: quarantined > 0 };
  }
}

function outcome(result: RefreshResult | null, expected: number): string {
  if (!result) return 'it no longer exists in Gorgias and was marked deleted';
  if (result.removed) return `re-read it: ${result.stored} messages listed, ${result.removed} no longer in Gorgias marked deleted`;
  if (result.stored >= expected) return `re-read it: ${result.stored} messages now stored`;
  return `re-read it, but Gorgias lists only ${result.stored}: the others may have been deleted in Gorgias`;
}
