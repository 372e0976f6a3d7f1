import { Inject, Injectable } from '@nestjs/common';
import { appConfig, AppConfig } from '../../../config/app.config';
import { TicketReconcileRepository } from '../../../tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository } from '../../../tickets/repositories/ticket-write.repository';
import { TicketStore } from '../source/ticket-store';
import { PendingRefresh, TicketRefreshRequestRepository } from '../../repositories/ticket-refresh-request.repository';
import { WebhookBudgetRepository } from '../../repositories/webhook-budget.repository';
import { CallAllowance } from './call-allowance';
import { PAGE_SIZE } from '../../sync.constants';
import { SyncStage } from '../../sync-run.types';
import { RunSession } from '../session/run-session';
import { SyncStageRunner } from '../stages/sync-stage';
import { TicketRefresher } from '../source/ticket-refresher';
import { refreshPlan } from './refresh-plan';
import {
  REFRESH_BATCH_MAX_TICKETS,
  REFRESH_GET_MAX_TICKETS,
  REFRESH_MAX_MESSAGE_PAGES,
  REFRESH_MESSAGES_MARGIN_MS,
  WEBHOOK_MISSING_TICKET_TTL_MS,
} from './refresh.constants';
import { HelpdeskApiError, SourceMessage, SourceTicket, sourceTimeMs } from '../source/helpdesk-source';

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
 *
 * Counts as in a sync: `ticketsRead` every ticket read from Gorgias (the first page's included),
 * `ticketsSynced` those whose stored state changed (a ticket read again unchanged counts 0). The
 * progress bar is the share of the announced tickets answered.
 *
 * Within the connector's webhook budget (CallAllowance): a read that does not fit is left, and the
 * connector's next webhook run is its incremental walk instead. A 404 is remembered against the
 * sender: webhooks naming that id are skipped at the intake for a while.
 */
@Injectable()
export class RefreshStage implements SyncStageRunner {
  private readonly store: TicketStore;
  /** Announced tickets answered so far, per run being executed (for the progress bar only). */
  private readonly answered = new WeakMap<RunSession, number>();

  constructor(
    private readonly requests: TicketRefreshRequestRepository,
    private readonly refresher: TicketRefresher,
    write: TicketWriteRepository,
    private readonly reconcile: TicketReconcileRepository,
    private readonly budgets: WebhookBudgetRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.store = new TicketStore(write);
  }

  async run(session: RunSession, next: SyncStage): Promise<void> {
    session.phase = 'reading tickets announced by webhooks';
    const { requests } = await this.requests.pending(session.scope, REFRESH_BATCH_MAX_TICKETS);
    session.tally.ticketsTotal = requests.length;
    const byId = new Map(requests.map((r) => [r.ticketExternalId, r]));
    const connectorId = session.run.connectorId;
    const spent = await this.budgets.callsSpent(connectorId, session.run.id);
    const allowance = new CallAllowance(session.source, this.config.webhooks.refreshCallsPerMinute - spent);
    // The first page always: the scheduler queued this run only with budget left.
    const recent = (await session.source.listTickets({ limit: PAGE_SIZE, order_by: 'updated_datetime:desc' })).data;
    const listed = new Set(recent.map((t) => String(t.id)));
    let short = await this.storeTickets(session, recent, requests);
    if (short.length > REFRESH_GET_MAX_TICKETS) {
      const oldest = Math.min(...requests.map((r) => new Date(r.firstReceivedAt).getTime()));
      const messages = await this.newestMessages(session, allowance, oldest - REFRESH_MESSAGES_MARGIN_MS);
      short = await this.storeMessages(session, messages, short, byId);
    }
    for (const id of short) {
      await this.refreshOne(session, allowance, byId.get(id) ?? { ticketExternalId: id, seq: '0', firstReceivedAt: new Date() });
    }
    const rest = requests.filter((r) => !listed.has(r.ticketExternalId));
    const plan = refreshPlan(rest.length);
    if (plan === 'EACH') await this.each(session, allowance, rest);
    // WALK is never planned here: the scheduler queues the connector's incremental run instead.
    else if (plan === 'BATCH' || plan === 'WALK') await this.batch(session, allowance, rest);
    if (allowance.exhausted) {
      await this.budgets.requestWalk(session.scope);
      await session.logs.info(
        session.scope,
        `The webhook budget of ${this.config.webhooks.refreshCallsPerMinute} Gorgias calls per minute is spent: ` +
          'the tickets still announced are read by the next incremental sync.',
      );
    }
    // advance() only moves the checkpoint this page commits; nothing to await.
    await session.page(() => Promise.resolve(session.advance(next)));
  }

  /**
   * Stores listed tickets and completes the requests they answer; returns the listed tickets whose
   * stored messages fall short of their count (their requests stay until the messages are in).
   */
  private async storeTickets(session: RunSession, tickets: SourceTicket[], requests: PendingRefresh[]): Promise<string[]> {
    if (!tickets.length) return [];
    const listed = new Set(tickets.map((t) => String(t.id)));
    let short: string[] = [];
    await session.page(async (tx, changes) => {
      session.tally.ticketsSynced += await this.store.tickets(tx, session.scope, tickets, changes);
      session.tally.ticketsRead += tickets.length;
      short = await this.reconcile.messageCountMismatchesAmong(tx, session.scope, [...listed]);
      const done = requests.filter((r) => listed.has(r.ticketExternalId) && !short.includes(r.ticketExternalId));
      this.answer(session, done.length);
      await this.requests.complete(tx, session.scope, done);
    });
    this.progress(session);
    return short;
  }

  /** Stores messages, completes the requests of the tickets they made whole; returns those still short. */
  private async storeMessages(
    session: RunSession,
    messages: SourceMessage[],
    short: string[],
    byId: Map<string, PendingRefresh>,
  ): Promise<string[]> {
    let still: string[] = short;
    await session.page(async (tx, changes) => {
      if (messages.length) session.tally.messagesSynced += await this.store.messages(tx, session.scope, messages, changes);
      still = await this.reconcile.messageCountMismatchesAmong(tx, session.scope, short);
      const whole = short.filter((id) => !still.includes(id));
      const done = whole.map((id) => byId.get(id)).filter((r): r is PendingRefresh => !!r);
      this.answer(session, done.length); // their ticket rows were counted when the page stored them
      await this.requests.complete(tx, session.scope, done);
    });
    return still;
  }

  /** One `GET /api/tickets/{id}` per ticket, messages embedded. */
  private async each(session: RunSession, allowance: CallAllowance, requests: PendingRefresh[]): Promise<void> {
    for (const request of requests) await this.refreshOne(session, allowance, request);
  }

  /** One GET, if the budget has room for it (else the request stays for the walk). */
  private async refreshOne(session: RunSession, allowance: CallAllowance, request: PendingRefresh): Promise<void> {
    if (!allowance.has()) return;
    const snapshot = await this.refresher.read(session.source, request.ticketExternalId);
    await session.page(async (tx, changes) => {
      if (snapshot) {
        const { stored, ticketChanged } = await this.refresher.store(tx, session.scope, snapshot, changes);
        await this.reconcile.markReconciled(tx, session.scope, request.ticketExternalId);
        session.tally.ticketsRead++;
        if (ticketChanged) session.tally.ticketsSynced++;
        this.answer(session, 1);
        session.tally.messagesSynced += stored;
      } else {
        if (await this.refresher.storeGone(tx, session.scope, request.ticketExternalId, changes)) session.tally.ticketsDeleted++;
        await this.budgets.rememberMissing(tx, session.scope, request.ticketExternalId, WEBHOOK_MISSING_TICKET_TTL_MS);
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
  private async batch(session: RunSession, allowance: CallAllowance, requests: PendingRefresh[]): Promise<void> {
    const client = session.source;
    const tickets: SourceTicket[] = [];
    try {
      for (let i = 0; i < requests.length && allowance.has(); i += PAGE_SIZE) {
        const ids = requests.slice(i, i + PAGE_SIZE).map((r) => r.ticketExternalId);
        tickets.push(...(await client.listTickets({ ticket_ids: ids, limit: PAGE_SIZE })).data);
      }
    } catch (e) {
      if (!(e instanceof HelpdeskApiError && e.code === 'BAD_REQUEST')) throw e;
      await session.logs.warn(session.scope, 'Gorgias refused to list tickets by id; the announced tickets are read one by one.');
      return this.each(session, allowance, requests);
    }
    const oldest = Math.min(...requests.map((r) => new Date(r.firstReceivedAt).getTime()));
    const messages = await this.newestMessages(session, allowance, oldest - REFRESH_MESSAGES_MARGIN_MS);
    const listed = new Set(tickets.map((t) => String(t.id)));
    let short: string[] = [];
    await session.page(async (tx, changes) => {
      // Messages first, as in a sync: a ticket stored after its messages has a count that includes them.
      if (messages.length) session.tally.messagesSynced += await this.store.messages(tx, session.scope, messages, changes);
      if (tickets.length) session.tally.ticketsSynced += await this.store.tickets(tx, session.scope, tickets, changes);
      session.tally.ticketsRead += tickets.length;
      short = await this.reconcile.messageCountMismatchesAmong(tx, session.scope, [...listed]);
      const done = requests.filter((r) => listed.has(r.ticketExternalId) && !short.includes(r.ticketExternalId));
      this.answer(session, done.length);
      await this.requests.complete(tx, session.scope, done);
    });
    this.progress(session);
    for (const request of requests.filter((r) => !listed.has(r.ticketExternalId) || short.includes(r.ticketExternalId))) {
      await this.refreshOne(session, allowance, request);
    }
  }

  /** `GET /api/messages` newest first down to `sinceMs`, in at most REFRESH_MAX_MESSAGE_PAGES pages. */
  private async newestMessages(session: RunSession, allowance: CallAllowance, sinceMs: number): Promise<SourceMessage[]> {
    const out: SourceMessage[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < REFRESH_MAX_MESSAGE_PAGES && allowance.has(); page++) {
      const { data, meta } = await session.source.listMessages({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' });
      out.push(...data.filter((m) => sourceTimeMs(m.created_datetime) >= sinceMs));
      const last = data[data.length - 1];
      if (!meta?.next_cursor || !last || sourceTimeMs(last.created_datetime) < sinceMs) break;
      cursor = meta.next_cursor;
    }
    return out;
  }

  private answer(session: RunSession, n: number): void {
    this.answered.set(session, (this.answered.get(session) ?? 0) + n);
  }

  private progress(session: RunSession): void {
    const total = session.tally.ticketsTotal || 1;
    session.tally.percent = Math.min(99, (100 * ((this.answered.get(session) ?? 0) + session.tally.ticketsDeleted)) / total);
  }
}
