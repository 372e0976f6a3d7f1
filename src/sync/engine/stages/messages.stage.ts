import { Injectable } from '@nestjs/common';
import { PlannerStatisticsRepository } from '../../../tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { prepareMessages, TicketStore } from '../source/ticket-store';
import { PAGE_SIZE } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../session/run-session';
import { walkList } from './list-walk';
import { SyncStageRunner, Watermarks } from './sync-stage';

/** `GET /api/messages`, 100 per page across all tickets (not one call per ticket), newest first. */
@Injectable()
export class MessagesStage implements SyncStageRunner {
  private readonly store: TicketStore;

  constructor(
    write: TicketWriteRepository,
    private readonly statistics: PlannerStatisticsRepository,
  ) {
    this.store = new TicketStore(write);
  }

  run(session: RunSession, next: SyncStage, watermarks: Watermarks): Promise<void> {
    const client = session.source;
    return walkList(session, next, watermarks.messages, {
      stream: 'messages',
      fetch: (cursor) => client.listMessages({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' }),
      fetchOldest: () => client.listMessages({ limit: 1, order_by: 'created_datetime:asc' }),
      timestamp: (msg) => msg.created_datetime,
      idOf: (item) => item.id,
      apply: async (tx, items, changes) => {
        session.tally.messagesSynced += await this.store.messages(tx, session.scope, items, changes);
      },
      prepare: prepareMessages,
      applyPrepared: async (tx, pages, changes) => {
        session.tally.messagesSynced += await this.store.preparedMessages(tx, session.scope, pages, changes);
      },
      // An initial run fills the messages table (and stamps its tickets): statistics from the first pages on.
      afterFirstWrite: session.checkpoint.initial
        ? () => this.statistics.analyzeIfNeverAnalyzed(session.services.dataSource.manager, ['tickets', 'messages'])
        : undefined,
    });
  }
}
