import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { TicketReconcileRepository } from '../../../tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository, WriteScope } from '../../../tickets/repositories/ticket-write.repository';
import { PAGE_SIZE } from '../../sync.constants';
import { TicketStore } from './ticket-store';
import { PageChangeSet } from '../session/page-changes';
import { HelpdeskApiError, HelpdeskSource, SourceMessage, SourceTicket } from './helpdesk-source';

/** One ticket and every message Gorgias has for it, as read just now. */
export interface TicketSnapshot {
  /** The ticket without its embedded messages. */
  ticket: SourceTicket;
  messages: SourceMessage[];
  /**
   * Whether `messages` is the whole conversation, so a stored message missing from it was deleted.
   * False only when the ticket came without embedded messages and is in the trash (whose messages
   * the messages list may leave out).
   */
  complete: boolean;
}

/** A ticket read on its own: its snapshot, or null when Gorgias no longer has it (404: deleted or merged away). */
export interface TicketRead {
  externalId: string;
  snapshot: TicketSnapshot | null;
}

/** What writing a snapshot did. */
export interface RefreshResult {
  /** Messages Gorgias listed that were new or changed here (stored). */
  stored: number;
  /** Whether the ticket row itself was new or changed. */
  ticketChanged: boolean;
  /** Stored messages Gorgias no longer lists, marked deleted. */
  removed: number;
}

/** What writing a batch of reads did. */
export interface RefreshBatchResult {
  /** Tickets read and stored (changed or not). */
  tickets: number;
  /** Of those, the ticket rows that were new or changed. */
  ticketsChanged: number;
  /** Messages new or changed. */
  messages: number;
  removed: number;
  /** Tickets that were live here until now and are gone from Gorgias. */
  deleted: number;
}

/** Calls in flight at once when reading several tickets. */
const READS_IN_FLIGHT = 4;

/** A merge chain longer than this in one batch is left to the next run (each step costs one call). */
const MAX_MERGE_HOPS = 3;

/**
 * Re-reads tickets on their own with `GET /api/tickets/{id}` (messages embedded, oldest first) and
 * stores them exactly: trash and restore (`trashed_at`), messages added, changed, moved here by a
 * merge, or gone (soft-deleted), and a 404 as a deleted ticket. Used by the reconcile stage, the
 * events stage and webhook refreshes. Reading and writing are separate so the caller never holds a
 * transaction across a Gorgias call: read first, then write in the caller's page transaction.
 */
@Injectable()
export class TicketRefresher {
  private readonly rows: TicketStore;

  constructor(
    private readonly write: TicketWriteRepository,
    private readonly reconcile: TicketReconcileRepository,
  ) {
    this.rows = new TicketStore(write);
  }

  /** The ticket as Gorgias has it now, or null when Gorgias no longer has it (404). One call when messages come embedded. */
  async read(client: HelpdeskSource, externalId: string): Promise<TicketSnapshot | null> {
    let raw: SourceTicket;
    try {
      raw = await client.getTicket(Number(externalId));
    } catch (e) {
      if (e instanceof HelpdeskApiError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
    const { messages: embedded, ...ticket } = raw;
    if (Array.isArray(embedded)) {
      return {
        ticket: ticket as SourceTicket,
        messages: embedded.filter(isMessage).map((m) => ({ ...m, ticket_id: raw.id })),
        complete: true,
      };
    }
    // No embedded messages (not what the reference shows, but cheap to survive): list them.
    const messages: SourceMessage[] = [];
    for await (const page of client.paginate((cursor) =>
      client.listMessages({ ticket_id: raw.id, limit: PAGE_SIZE, cursor, order_by: 'created_datetime:asc' }),
    )) {
      messages.push(...page.data.filter(isMessage));
    }
    return { ticket: ticket as SourceTicket, messages, complete: !ticket.trashed_datetime };
  }

  /**
   * Reads these tickets, a few calls in flight at once (the client's pacer keeps them within the
   * account's rate limit; the overlap hides each call's latency).
   */
  async readMany(client: HelpdeskSource, externalIds: string[]): Promise<TicketRead[]> {
    const out: TicketRead[] = [];
    for (let i = 0; i < externalIds.length; i += READS_IN_FLIGHT) {
      const ids = externalIds.slice(i, i + READS_IN_FLIGHT);
      out.push(...(await Promise.all(ids.map(async (externalId) => ({ externalId, snapshot: await this.read(client, externalId) })))));
    }
    return out;
  }

  /**
   * Reads each ticket once, then the tickets a merge emptied into them: stored tickets holding
   * messages that Gorgias now embeds in another ticket (Gorgias records no deletion for those; they
   * usually answer 404). `db` is only read, outside any transaction.
   */
  async readAll(client: HelpdeskSource, db: EntityManager, scope: WriteScope, externalIds: string[]): Promise<TicketRead[]> {
    const reads = new Map<string, TicketRead>();
    let pending = [...new Set(externalIds)];
    for (let hop = 0; pending.length && hop <= MAX_MERGE_HOPS; hop++) {
      const fresh = await this.readMany(client, pending);
      for (const read of fresh) reads.set(read.externalId, read);
      const embedded = fresh.flatMap((r) =>
        r.snapshot ? r.snapshot.messages.map((m) => ({ message: String(m.id), ticket: r.externalId })) : [],
      );
      const holder = new Map(embedded.map((e) => [e.message, e.ticket]));
      const placements = await this.reconcile.findMessagePlacements(db, scope, [...holder.keys()]);
      pending = [
        ...new Set(
          placements
            .filter((p) => p.ticketExternalId !== holder.get(p.messageExternalId) && !reads.has(p.ticketExternalId))
            .map((p) => p.ticketExternalId),
        ),
      ];
    }
    return [...reads.values()];
  }

  /** Stores a snapshot in `tx`, recording what changed in `changes`. */
  async store(tx: EntityManager, scope: WriteScope, snapshot: TicketSnapshot, changes: PageChangeSet): Promise<RefreshResult> {
    const externalId = String(snapshot.ticket.id);
    const ticketChanged = (await this.rows.tickets(tx, scope, [snapshot.ticket], changes)) > 0;
    const stored = await this.rows.messages(tx, scope, snapshot.messages, changes);
    if (!snapshot.complete) return { stored, removed: 0, ticketChanged };
    const listed = snapshot.messages.map((msg) => msg.id);
    const removed = changes.addOther(await this.write.markUnlistedMessagesDeleted(tx, scope, externalId, listed));
    return { stored, removed, ticketChanged };
  }

  /** Gorgias no longer has the ticket: soft-deletes it in `tx`. Returns whether it was live until now. */
  async storeGone(tx: EntityManager, scope: WriteScope, externalId: string, changes: PageChangeSet): Promise<boolean> {
    return changes.addDeletions(await this.write.markTicketsDeleted(tx, scope, [externalId], new Date())) > 0;
  }

  /**
   * Stores what `readAll` read, in `tx`: the tickets Gorgias has first (a merge target takes its messages),
   * then the gone ones. The tickets Gorgias has are written together (one ticket upsert, one message upsert,
   * one sweep of the messages each no longer lists), not one ticket after the other: the reconcile of an
   * initial sync stores its trashed tickets 20 at a time, and ~13 statements per ticket were a tenth of the
   * run. What a ticket read twice, or a message listed by two of them, ends as is what storing them one
   * after the other left: the last read wins.
   */
  async storeAll(tx: EntityManager, scope: WriteScope, reads: TicketRead[], changes: PageChangeSet): Promise<RefreshBatchResult> {
    const result: RefreshBatchResult = { tickets: 0, ticketsChanged: 0, messages: 0, removed: 0, deleted: 0 };
    const snapshots = lastOf(
      reads.flatMap((r) => (r.snapshot ? [r.snapshot] : [])),
      (s) => s.ticket.id,
    );
    if (snapshots.length) {
      result.tickets = snapshots.length;
      result.ticketsChanged = await this.rows.tickets(
        tx,
        scope,
        snapshots.map((s) => s.ticket),
        changes,
      );
      const messages = lastOf(
        snapshots.flatMap((s) => s.messages),
        (msg) => msg.id,
      );
      result.messages = await this.rows.messages(tx, scope, messages, changes);
      const complete = snapshots.filter((s) => s.complete);
      result.removed = changes.addOther(
        await this.write.markUnlistedMessagesDeletedMany(
          tx,
          scope,
          complete.map((s) => ({ ticketExternalId: String(s.ticket.id), listedIds: s.messages.map((msg) => msg.id) })),
        ),
      );
    }
    for (const { externalId, snapshot } of reads) {
      if (!snapshot && (await this.storeGone(tx, scope, externalId, changes))) result.deleted += 1;
    }
    return result;
  }
}

/** Of items sharing a key, the last one, in the order of their last occurrence. */
function lastOf<T>(items: T[], key: (item: T) => number): T[] {
  const last = new Map<number, T>();
  for (const item of items) {
    last.delete(key(item));
    last.set(key(item), item);
  }
  return [...last.values()];
}

/** Hostile content: an embedded entry without a numeric id or a creation time is skipped, not fatal. */
function isMessage(m: unknown): m is SourceMessage {
  const msg = m as SourceMessage;
  return !!msg && typeof msg === 'object' && Number.isSafeInteger(msg.id) && typeof msg.created_datetime === 'string';
}

/** Tickets Gorgias still has first, then those it no longer has (the order storeAll uses). */
export function storeOrder(reads: TicketRead[]): TicketRead[] {
  return [...reads.filter((r) => r.snapshot), ...reads.filter((r) => !r.snapshot)];
}
