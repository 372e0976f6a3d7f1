import { Injectable } from '@nestjs/common';
import { PlannerStatisticsRepository } from '../../../tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { prepareTickets, TicketStore } from '../source/ticket-store';
import { PAGE_SIZE } from '../../sync.constants';
import { SyncMode, SyncStage } from '../../sync-run.types';
import { RunSession } from '../session/run-session';
import { walkList } from './list-walk';
import { SyncStageRunner, Watermarks } from './sync-stage';

/** `GET /api/tickets`, newest first, down to the watermark (everything on an initial or FULL run). */
@Injectable()
export class TicketsStage implements SyncStageRunner {
  private readonly store: TicketStore;

  constructor(
    write: TicketWriteRepository,
    private readonly statistics: PlannerStatisticsRepository,
  ) {
    this.store = new TicketStore(write);
  }

  run(session: RunSession, next: SyncStage, watermarks: Watermarks): Promise<void> {
    const client = session.source;
    const initial = !!session.checkpoint.initial;
    // A FULL run's sweep marks what it did not stamp since the run started: every ticket seen is stamped.
    const seenSince = session.run.mode === SyncMode.FULL ? (session.run.startedAt ?? session.run.createdAt) : null;
    return walkList(session, next, watermarks.tickets, {
      stream: 'tickets',
      // Initial/FULL walks follow creation order, which updates cannot reshuffle, so every
      // existing ticket is seen exactly once; incremental walks follow updates down to the watermark.
      fetch: (cursor) =>
        client.listTickets({ limit: PAGE_SIZE, cursor, order_by: initial ? 'created_datetime:desc' : 'updated_datetime:desc' }),
      fetchOldest: () => client.listTickets({ limit: 1, order_by: 'created_datetime:asc' }),
      fetchTop: () => client.listTickets({ limit: 1, order_by: 'updated_datetime:desc' }),
      timestamp: (t) => (initial ? t.created_datetime : t.updated_datetime),
      watermarkOf: (t) => t.updated_datetime,
      idOf: (item) => item.id,
      apply: async (tx, items, changes) => {
        session.tally.ticketsSynced += await this.store.tickets(tx, session.scope, items, changes, seenSince);
      },
      prepare: prepareTickets,
      applyPrepared: async (tx, pages, changes) => {
        session.tally.ticketsSynced += await this.store.preparedTickets(tx, session.scope, pages, changes, seenSince);
      },
      // An initial run fills the tickets and customers tables: its feed stamps, lookups and the customers'
      // upsert need statistics from the first pages on.
      afterFirstWrite: initial
        ? () => this.statistics.analyzeIfNeverAnalyzed(session.services.dataSource.manager, ['tickets', 'customers'])
        : undefined,
    });
  }
}
