import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { GorgiasApiError } from '../../gorgias/gorgias-api.error';
import { GorgiasClient } from '../../gorgias/gorgias-client';
import { normalizeDatetimes } from '../../gorgias/gorgias-datetime';
import { GorgiasMessage, GorgiasTicket } from '../../gorgias/gorgias.types';
import { toCustomerRows } from '../../gorgias/mappers/customer.mapper';
import { toMessageRows } from '../../gorgias/mappers/message.mapper';
import { toTicketRows } from '../../gorgias/mappers/ticket.mapper';
import { TicketWriteRepository, WriteScope } from '../../tickets/repositories/ticket-write.repository';
import { PAGE_SIZE } from '../sync.constants';
import { PageChangeSet } from './page-changes';

/** One ticket and every message Gorgias lists for it, as read just now. */
export interface TicketSnapshot {
  ticket: GorgiasTicket;
  messages: GorgiasMessage[];
}

/** What writing a snapshot did. */
export interface RefreshResult {
  /** Messages Gorgias listed (and were stored). */
  stored: number;
  /** Stored messages Gorgias no longer lists, marked deleted. */
  removed: number;
}

/**
 * Re-reads one ticket and its messages (`GET /api/tickets/{id}`, then its messages oldest first)
 * and stores them exactly: messages Gorgias no longer lists are marked deleted. Used by the
 * reconcile stage for tickets whose message count is off; any targeted refresh can use it.
 * Reading and writing are separate so the caller writes inside its own page transaction.
 */
@Injectable()
export class TicketRefresher {
  constructor(private readonly write: TicketWriteRepository) {}

  /** The ticket as Gorgias has it now, or null when Gorgias no longer has it (404). */
  async read(client: GorgiasClient, externalId: string): Promise<TicketSnapshot | null> {
    try {
      const { messages: embedded, ...ticket } = (await client.getTicket(Number(externalId))) as GorgiasTicket & { messages?: unknown };
      // `GET /api/tickets/{id}` embeds the messages, oldest first: one call. Listed separately only when it did not.
      if (Array.isArray(embedded)) return { ticket, messages: (embedded as GorgiasMessage[]).map((m) => normalizeDatetimes(m)) };
      const messages: GorgiasMessage[] = [];
      for await (const page of client.paginate((cursor) =>
        client.listMessages({ ticket_id: Number(externalId), limit: PAGE_SIZE, cursor, order_by: 'created_datetime:asc' }),
      )) {
        messages.push(...page.data);
      }
      return { ticket, messages };
    } catch (e) {
      if (e instanceof GorgiasApiError && e.code === 'NOT_FOUND') return null;
      throw e;
    }
  }

  /** Stores a snapshot in `tx`, recording what changed in `changes`. */
  async store(tx: EntityManager, scope: WriteScope, snapshot: TicketSnapshot, changes: PageChangeSet): Promise<RefreshResult> {
    const externalId = String(snapshot.ticket.id);
    const tickets = [snapshot.ticket];
    changes.addTickets(await this.write.upsertTickets(tx, scope, { tickets: toTicketRows(tickets), customers: toCustomerRows(tickets) }));
    const stored = changes.addMessages(await this.write.upsertMessages(tx, scope, toMessageRows(snapshot.messages)));
    const listed = snapshot.messages.map((msg) => msg.id);
    const removed = changes.addOther(await this.write.markUnlistedMessagesDeleted(tx, scope, externalId, listed));
    return { stored, removed };
  }

  /** Gorgias no longer has the ticket: soft-deletes it in `tx`. Returns whether it was live until now. */
  async storeGone(tx: EntityManager, scope: WriteScope, externalId: string, changes: PageChangeSet): Promise<boolean> {
    return changes.addDeletions(await this.write.markTicketsDeleted(tx, scope, [externalId], new Date())) > 0;
  }
}
