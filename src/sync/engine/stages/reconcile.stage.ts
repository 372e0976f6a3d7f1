import { Injectable } from '@nestjs/common';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { MAX_RECONCILED_TICKETS_PER_RUN } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../run-session';
import { RefreshResult, TicketRefresher } from '../ticket-refresher';
import { SyncStageRunner } from './sync-stage';

/** The guide's "missing messages": a ticket whose stored messages differ from its count is re-read on its own. */
@Injectable()
export class ReconcileStage implements SyncStageRunner {
  constructor(
    private readonly write: TicketWriteRepository,
    private readonly refresher: TicketRefresher,
  ) {}

  async run(session: RunSession, next: SyncStage): Promise<void> {
    session.phase = 'checking message counts';
    session.checkpoint.reconciled ??= 0;
    const mismatches = await this.write.findMessageCountMismatches(
      session.services.dataSource.manager,
      session.scope,
      MAX_RECONCILED_TICKETS_PER_RUN - session.checkpoint.reconciled,
    );
    for (const mismatch of mismatches) {
      const snapshot = await this.refresher.read(session.client, mismatch.externalId);
      let result: RefreshResult | null = null;
      await session.page(async (tx, changes) => {
        if (!snapshot) {
          if (await this.refresher.storeGone(tx, session.scope, mismatch.externalId, changes)) session.ticketsDeleted += 1;
          return;
        }
        result = await this.refresher.store(tx, session.scope, snapshot, changes);
        await this.write.markReconciled(tx, session.scope, mismatch.externalId);
        session.checkpoint.reconciled = (session.checkpoint.reconciled ?? 0) + 1;
      });
      const expected = snapshot?.ticket.messages_count ?? mismatch.expected;
      await session.logs.warn(
        session.scope,
        `Ticket ${mismatch.externalId}: Gorgias reports ${mismatch.expected} messages but ${mismatch.stored} were stored; ${outcome(result, expected)}.`,
      );
    }
    await session.page(async () => session.advance(next));
  }
}

function outcome(result: RefreshResult | null, expected: number): string {
  if (!result) return 'it no longer exists in Gorgias and was marked deleted';
  if (result.removed) return `re-read it: ${result.stored} messages listed, ${result.removed} no longer in Gorgias marked deleted`;
  if (result.stored >= expected) return `re-read it: ${result.stored} messages now stored`;
  return `re-read it, but Gorgias lists only ${result.stored}: the others may have been deleted in Gorgias`;
}
