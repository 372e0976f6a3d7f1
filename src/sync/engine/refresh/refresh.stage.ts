import { Injectable } from '@nestjs/common';
import { GorgiasApiError } from '../../../gorgias/gorgias-api.error';
import { datetimeMs } from '../../../gorgias/gorgias-datetime';
import { GorgiasMessage, GorgiasTicket } from '../../../gorgias/gorgias.types';
import { toCustomerRows } from '../../../gorgias/mappers/customer.mapper';
import { toMessageRows } from '../../../gorgias/mappers/message.mapper';
import { toTicketRows } from '../../../gorgias/mappers/ticket.mapper';
import { TicketReconcileRepository } from '../../../tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { PendingRefresh, TicketRefreshRequestRepository } from '../../repositories/ticket-refresh-request.repository';
import { PAGE_SIZE } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../run-session';
import { SyncStageRunner } from '../stages/sync-stage';
import { TicketRefresher } from '../ticket-refresher';
import { refreshPlan } from './refresh-plan';
import {
  REFRESH_BATCH_MAX_TICKETS,
  REFRESH_GET_MAX_TICKETS,
  REFRESH_MAX_MESSAGE_PAGES,
  REFRESH_MESSAGES_MARGIN_MS,
} from './refresh.constants';

/**
 * The one stage of a REFRESH run: re-reads the tickets webhooks announced (the connector's pending
 * refresh requests), each once however many webhooks named it, and stores them with the same
 * writer and rules as a sync (observers see every change). Never moves the watermarks: a webhook
 * says which tickets changed, not that nothing else did. A request is completed in the transaction
 * that stores its ticket, so a crash only means reading it again.
 *
 * It starts with one page of the account's most recently updated tickets: it holds the announced
 * tickets of a burst, and also those whose webhook Gorgias never delivered (dropped, failed), which
 * would otherwise wait for the next poll. Tickets whose stored messages fall short of their count
 * get their messages (the newest messages page when several, else their own GET); announced
 * tickets not in that page are read as before: one GET each for a few, in batches by id for more.
 */
@Injectable()
export class RefreshStage implements SyncStageRunner {
  constructor(
    private readonly requests: TicketRefreshRequestRepository,
    private readonly refresher: TicketRefresher,
    private readonly write: TicketWriteRepository,
    private readonly reconcile: TicketReconcileRepository,
  ) {}

  async run(session: RunSession, next: SyncStage): Promise<void> {
    session.phase = 'reading tickets announced by webhooks';
    const { requests } = await this.requests.pending(session.scope, REFRESH_BATCH_MAX_TICKETS);
    session.ticketsTotal = requests.length;
    const byId = new Map(requests.map((r) => [r.ticketExternalId, r]));
    const recent = (await session.client.listTickets({ limit: PAGE_SIZE, order_by: 'updated_datetime:desc' })).data;
    const listed = new Set(recent.map((t) => String(t.id)));
    let short = await this.storeTickets(session, recent, requests);
    if (short.length > REFRESH_GET_MAX_TICKETS) {
      const oldest = Math.min(...requests.map((r) => new Date(r.firstReceivedAt).getTime()));
      short = await this.storeMessages(session, await this.newestMessages(session, oldest - REFRESH_MESSAGES_MARGIN_MS), short, byId);
    }
    for (const id of short) await this.refreshOne(session, byId.get(id) ?? { ticketExternalId: id, seq: '0', firstReceivedAt: new Date() });
    const rest = requests.filter((r) => !listed.has(r.ticketExternalId));
    const plan = refreshPlan(rest.length);
    if (plan === 'EACH') await this.each(session, rest);
    // WALK is never planned here: the scheduler queues the connector's incremental run instead.
    else if (plan === 'BATCH' || plan === 'WALK') await this.batch(session, rest);
    await session.page(async () => session.advance(next));
  }

  /**
   * Stores listed tickets and completes the requests they answer; returns the listed tickets whose
   * stored messages fall short of their count (their requests stay until the messages are in).
   */
  private async storeTickets(session: RunSession, tickets: GorgiasTicket[], requests: PendingRefresh[]): Promise<string[]> {
    if (!tickets.length) return [];
    const listed = new Set(tickets.map((t) => String(t.id)));
    let short: string[] = [];
    await session.page(async (tx, changes) => {
      const page = { tickets: toTicketRows(tickets), customers: toCustomerRows(tickets) };
      changes.addTickets(await this.write.upsertTickets(tx, session.scope, page));
      short = await this.reconcile.messageCountMismatchesAmong(tx, session.scope, [...listed]);
      const done = requests.filter((r) => listed.has(r.ticketExternalId) && !short.includes(r.ticketExternalId));
      session.ticketsSynced += done.length;
      await this.requests.complete(tx, session.scope, done);
    });
    this.progress(session);
    return short;
  }

  /** Stores messages, completes the requests of the tickets they made whole; returns those still short. */
  private async storeMessages(
    session: RunSession,
    messages: GorgiasMessage[],
    short: string[],
    byId: Map<string, PendingRefresh>,
  ): Promise<string[]> {
    let still: string[] = short;
    await session.page(async (tx, changes) => {
      if (messages.length)
        session.messagesSynced += changes.addMessages(await this.write.upsertMessages(tx, session.scope, toMessageRows(messages)));
      still = await this.reconcile.messageCountMismatchesAmong(tx, session.scope, short);
      const whole = short.filter((id) => !still.includes(id));
      const done = whole.map((id) => byId.get(id)).filter((r): r is PendingRefresh => !!r);
      session.ticketsSynced += done.length;
      await this.requests.complete(tx, session.scope, done);
    });
    return still;
  }

  /** One `GET /api/tickets/{id}` per ticket, messages embedded. */
  private async each(session: RunSession, requests: PendingRefresh[]): Promise<void> {
    for (const request of requests) await this.refreshOne(session, request);
  }

  private async refreshOne(session: RunSession, request: PendingRefresh): Promise<void> {
    const snapshot = await this.refresher.read(session.client, request.ticketExternalId);
    await session.page(async (tx, changes) => {
      if (snapshot) {
        const { stored } = await this.refresher.store(tx, session.scope, snapshot, changes);
        await this.reconcile.markReconciled(tx, session.scope, request.ticketExternalId);
        session.ticketsSynced++;
        session.messagesSynced += stored;
      } else if (await this.refresher.storeGone(tx, session.scope, request.ticketExternalId, changes)) {
        session.ticketsDeleted++;
      }
      await this.requests.complete(tx, session.scope, [request]);
    });
    this.progress(session);
  }

  /**
   * Many tickets: 100 per call by id (`/api/tickets?ticket_ids=`), and the newest messages down to
   * a little before the oldest webhook. A ticket Gorgias did not list (deleted, merged) or whose
   * stored messages are still short of its count is then read on its own.
   */
  private async batch(session: RunSession, requests: PendingRefresh[]): Promise<void> {
    const client = session.client;
    const tickets: GorgiasTicket[] = [];
    try {
      for (let i = 0; i < requests.length; i += PAGE_SIZE) {
        const ids = requests.slice(i, i + PAGE_SIZE).map((r) => r.ticketExternalId);
        tickets.push(...(await client.listTickets({ ticket_ids: ids, limit: PAGE_SIZE })).data);
      }
    } catch (e) {
      if (!(e instanceof GorgiasApiError && e.code === 'BAD_REQUEST')) throw e;
      await session.logs.warn(session.scope, 'Gorgias refused to list tickets by id; the announced tickets are read one by one.');
      return this.each(session, requests);
    }
    const oldest = Math.min(...requests.map((r) => new Date(r.firstReceivedAt).getTime()));
    const messages = await this.newestMessages(session, oldest - REFRESH_MESSAGES_MARGIN_MS);
    const listed = new Set(tickets.map((t) => String(t.id)));
    let short: string[] = [];
    await session.page(async (tx, changes) => {
      // Messages first, as in a sync: a ticket stored after its messages has a count that includes them.
      if (messages.length)
        session.messagesSynced += changes.addMessages(await this.write.upsertMessages(tx, session.scope, toMessageRows(messages)));
      if (tickets.length) {
        const page = { tickets: toTicketRows(tickets), customers: toCustomerRows(tickets) };
        session.ticketsSynced += changes.addTickets(await this.write.upsertTickets(tx, session.scope, page));
      }
      short = await this.reconcile.messageCountMismatchesAmong(tx, session.scope, [...listed]);
      const done = requests.filter((r) => listed.has(r.ticketExternalId) && !short.includes(r.ticketExternalId));
      await this.requests.complete(tx, session.scope, done);
    });
    this.progress(session);
    for (const request of requests.filter((r) => !listed.has(r.ticketExternalId) || short.includes(r.ticketExternalId))) {
      await this.refreshOne(session, request);
    }
  }

  /** `GET /api/messages` newest first down to `sinceMs`, in at most REFRESH_MAX_MESSAGE_PAGES pages. */
  private async newestMessages(session: RunSession, sinceMs: number): Promise<GorgiasMessage[]> {
    const out: GorgiasMessage[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < REFRESH_MAX_MESSAGE_PAGES; page++) {
      const { data, meta } = await session.client.listMessages({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' });
      out.push(...data.filter((m) => datetimeMs(m.created_datetime) >= sinceMs));
      const last = data[data.length - 1];
      if (!meta?.next_cursor || !last || datetimeMs(last.created_datetime) < sinceMs) break;
      cursor = meta.next_cursor;
    }
    return out;
  }

  private progress(session: RunSession): void {
    const total = session.ticketsTotal || 1;
    session.percent = Math.min(99, (100 * (session.ticketsSynced + session.ticketsDeleted)) / total);
  }
}
