import { Injectable } from '@nestjs/common';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../session/run-session';
import { SyncStageRunner } from './sync-stage';

/** FULL: tickets not seen since the run started have vanished from Gorgias. */
@Injectable()
export class SweepStage implements SyncStageRunner {
  constructor(private readonly write: TicketWriteRepository) {}

  async run(session: RunSession, next: SyncStage): Promise<void> {
    session.phase = 'marking vanished tickets';
    if (session.checkpoint.incompleteWalk) {
      // Tickets not seen may only be beyond where Gorgias cut a list short: marking them deleted could be wrong.
      await session.page(async (tx) => {
        session.advance(next);
        await session.logs.warn(
          session.scope,
          'No ticket was marked deleted: a list walk of this run may have been incomplete (see above).',
          tx,
        );
      });
      return;
    }
    await session.page(async (tx, changes) => {
      const since = session.run.startedAt ?? session.run.createdAt;
      const vanished = changes.addDeletions(await this.write.markTicketsNotSeenSinceDeleted(tx, session.scope, since));
      session.tally.ticketsDeleted += vanished;
      session.advance(next);
      if (vanished) await session.logs.info(session.scope, `${vanished} tickets no longer in Gorgias were marked deleted.`, tx);
    });
  }
}
