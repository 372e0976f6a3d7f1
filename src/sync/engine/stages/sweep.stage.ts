import { Injectable } from '@nestjs/common';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../run-session';
import { SyncStageRunner } from './sync-stage';

/** FULL: tickets not seen since the run started have vanished from Gorgias. */
@Injectable()
export class SweepStage implements SyncStageRunner {
  constructor(private readonly write: TicketWriteRepository) {}

  async run(session: RunSession, next: SyncStage): Promise<void> {
    session.phase = 'marking vanished tickets';
    await session.page(async (tx, changes) => {
      const since = session.run.startedAt ?? session.run.createdAt;
      const vanished = changes.addDeletions(await this.write.markTicketsNotSeenSinceDeleted(tx, session.scope, since));
      session.ticketsDeleted += vanished;
      session.advance(next);
      if (vanished) await session.logs.info(session.scope, `${vanished} tickets no longer in Gorgias were marked deleted.`, tx);
    });
  }
}
