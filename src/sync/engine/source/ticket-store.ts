import { EntityManager } from 'typeorm';
import { CoverageWriteRepository } from '../../../tickets/repositories/coverage-write.repository';
import { TicketLinkWriteRepository } from '../../../tickets/repositories/ticket-link-write.repository';
import { TicketWriteRepository, WriteScope } from '../../../tickets/repositories/ticket-write.repository';
import { jsonbParam, pageJsonBytes } from '../../../tickets/repositories/upsert-statements';
import { MessageWriteRow } from '../../../tickets/model/message.table';
import { TicketWriteRow } from '../../../tickets/model/ticket.table';
import { TicketTagWriteRow } from '../../../tickets/model/tag.table';
import { TicketCustomFieldValueWriteRow } from '../../../tickets/model/custom-field.table';
import { PageChangeSet } from '../session/page-changes';
import {
  SourceMessage,
  SourceTicket,
  toCustomerRows,
  toMessageRows,
  toTicketCustomFieldValueRows,
  toTicketRows,
  toTicketTagDefinitionRows,
  toTicketTagRows,
} from './helpdesk-source';

/**
 * Stores what the source read: maps the records to write rows, upserts them, and records in the
 * page's change set what changed (for the feed and the run's counts). Every stage stores tickets and
 * messages through here, so the three steps cannot drift apart or one be forgotten (it stood in seven
 * places). A plain class over the write repositories: each stage makes its own from the one it is given.
 *
 * Issue 24: a ticket's tags by id (`ticket_tags`, and tags not stored yet into `tags`) and its custom
 * field values (rows) are replaced with the ticket, in the same transaction; a change to them is a
 * change for the feed, and the tag changes are kept on the change set for the ticket's history.
 */
export class TicketStore {
  constructor(
    private readonly write: TicketWriteRepository,
    private readonly links = new TicketLinkWriteRepository(),
    private readonly coverage = new CoverageWriteRepository(),
  ) {}

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
    return this.preparedTickets(tx, scope, [prepareTickets(items)], changes, seenSince);
  }

  /**
   * Tickets of several pages from what `prepareTickets` made of each (no ticket in two of them); as
   * `tickets`. Customers and tag definitions, which pages share, are mapped here from the batch whole.
   */
  async preparedTickets(
    tx: EntityManager,
    scope: WriteScope,
    pages: PreparedTickets[],
    changes: PageChangeSet,
    seenSince?: Date | null,
  ): Promise<number> {
    const items = pages.flatMap((p) => p.items);
    const tickets = pages.flatMap((p) => p.tickets);
    const page = { tickets, customers: toCustomerRows(items) };
    const written = changes.addTickets(await this.write.upsertTickets(tx, scope, page, seenSince));
    await this.coverage.upsertTags(tx, scope, toTicketTagDefinitionRows(items), true);
    const linked = await this.links.replace(
      tx,
      scope,
      tickets,
      pages.flatMap((p) => p.tags),
      pages.flatMap((p) => p.values),
    );
    changes.addOther(linked);
    changes.addTagChanges(linked.tagChanges);
    return written;
  }

  /** Messages; returns those new or changed. */
  async messages(tx: EntityManager, scope: WriteScope, items: SourceMessage[], changes: PageChangeSet): Promise<number> {
    return changes.addMessages(await this.write.upsertMessages(tx, scope, toMessageRows(items)));
  }

  /** Messages of several pages from what `prepareMessages` made of each (no message in two of them); as `messages`. */
  async preparedMessages(tx: EntityManager, scope: WriteScope, pages: PreparedMessages[], changes: PageChangeSet): Promise<number> {
    const rows = pages.flatMap((p) => p.rows);
    const json = rows.length ? jsonbParam(pages.map((p) => p.json)) : undefined;
    return changes.addMessages(await this.write.upsertMessages(tx, scope, rows, json));
  }
}

/** A page of tickets mapped to their rows and links, ahead of its write (the items kept for what pages share). */
export interface PreparedTickets {
  items: SourceTicket[];
  tickets: TicketWriteRow[];
  tags: TicketTagWriteRow[];
  values: TicketCustomFieldValueWriteRow[];
}

export function prepareTickets(items: SourceTicket[]): PreparedTickets {
  return { items, tickets: toTicketRows(items), tags: toTicketTagRows(items), values: toTicketCustomFieldValueRows(items) };
}

/** A page of messages mapped to write rows and serialised (UTF-8) for the upsert's parameter, ahead of its write. */
export interface PreparedMessages {
  rows: MessageWriteRow[];
  json: Buffer;
}

export function prepareMessages(items: SourceMessage[]): PreparedMessages {
  const rows = toMessageRows(items);
  return { rows, json: pageJsonBytes(rows) };
}
