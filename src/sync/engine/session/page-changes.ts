import type { TicketTagChange } from '../../../tickets/repositories/ticket-link-write.repository';
import type { WriteResult } from '../../../tickets/repositories/ticket-write.repository';
import { PageChanges } from '../run-observer';

/** Collects what the writes of one page transaction changed, for the observers' onPageCommitted. */
export class PageChangeSet {
  private readonly ids = new Set<string>();
  private tickets = 0;
  private messages = 0;
  private deleted = 0;
  /** Tags added to and removed from tickets by this page (ids), for the history of tag events without data. */
  readonly tagChanges: TicketTagChange[] = [];

  addTickets(result: WriteResult): number {
    this.tickets += result.written;
    return this.add(result);
  }

  addMessages(result: WriteResult): number {
    this.messages += result.written;
    return this.add(result);
  }

  addDeletions(result: WriteResult): number {
    this.deleted += result.written;
    return this.add(result);
  }

  /** Other writes (e.g. messages marked deleted): their changed tickets only. */
  addOther(result: WriteResult): number {
    return this.add(result);
  }

  addTagChanges(changes: TicketTagChange[]): void {
    this.tagChanges.push(...changes);
  }

  toPageChanges(): PageChanges {
    return {
      ticketExternalIds: [...this.ids],
      ticketsUpserted: this.tickets,
      messagesUpserted: this.messages,
      ticketsDeleted: this.deleted,
    };
  }

  private add(result: WriteResult): number {
    for (const id of result.changedTicketIds) this.ids.add(id);
    return result.written;
  }
}
