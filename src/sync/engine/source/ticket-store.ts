import { EntityManager } from 'typeorm';
import { TicketWriteRepository, WriteScope } from '../../../tickets/repositories/ticket-write.repository';
import { PageChangeSet } from '../session/page-changes';
import { SourceMessage, SourceTicket, toCustomerRows, toMessageRows, toTicketRows } from './helpdesk-source';

/**
 * Stores what the source read: maps the records to write rows, upserts them, and records in the
 * page's change set what changed (for the feed and the run's counts). Every stage stores tickets and
 * messages through here, so the three steps cannot drift apart or one be forgotten (it stood in seven
 * places). A plain class over the write repository: each stage makes its own from the one it is given.
 */
export class TicketStore {
  constructor(private readonly write: TicketWriteRepository) {}

  /**
   * Tickets and their customers; returns the ticket rows new or changed. `seenSince` stamps every
   * ticket seen (a FULL run's sweep deletes those it did not stamp).
   */
  async tickets(
    tx: EntityManager,
    scope: WriteScope,
    items: SourceTicket[],
    changes: PageChangeSet,
    seenSince?: Date | null,
  ): Promise<number> {
    const page = { tickets: toTicketRows(items), customers: toCustomerRows(items) };
    return changes.addTickets(await this.write.upsertTickets(tx, scope, page, seenSince));
  }

  /** Messages; returns those new or changed. */
  async messages(tx: EntityManager, scope: WriteScope, items: SourceMessage[], changes: PageChangeSet): Promise<number> {
    return changes.addMessages(await this.write.upsertMessages(tx, scope, toMessageRows(items)));
  }
}
