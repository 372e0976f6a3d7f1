import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { appConfig, AppConfig } from '../config/app.config';
import { adviceFor } from '../connectors/connection-advice';
import { ConnectorsService } from '../connectors/connectors.service';
import { GorgiasApiError } from '../gorgias/gorgias-api.error';
import { GorgiasClient } from '../gorgias/gorgias-client';
import { GorgiasClientFactory } from '../gorgias/gorgias-client.factory';
import { datetimeMs } from '../gorgias/gorgias-datetime';
import { GorgiasCredentials, GorgiasEvent, GorgiasPage } from '../gorgias/gorgias.types';
import { TicketWriter } from '../tickets/ticket.writer';
import { SyncStream } from './entities/sync-cursor.entity';
import { SyncCheckpoint, SyncMode, SyncRunEntity, SyncRunStatus, SyncStage } from './entities/sync-run.entity';
import { SyncLogScope, SyncLogWriter } from './sync-log.writer';
import { SyncProgressBus } from './sync-progress.bus';
import { LeaseLostError, SyncRunStore } from './sync-run.store';
import {
  FAILED_RUN_RESCHEDULE_MS,
  MAX_RECONCILED_TICKETS_PER_RUN,
  MAX_RUN_ATTEMPTS,
  PAGE_SIZE,
  PROGRESS_INTERVAL_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  TICKET_DELETION_EVENT_TYPES,
  WATERMARK_OVERLAP_MS,
} from './sync.constants';

/** Failures that only the user can fix: the connector goes to ERROR and stops syncing. */
const NEEDS_USER = new Set(['INVALID_CREDENTIALS', 'SUBDOMAIN_NOT_FOUND', 'PERMISSION_DENIED', 'ACCOUNT_INACTIVE']);

/** Messages first: a ticket read after its messages has a `messages_count` that includes them. */
const STAGES: Record<SyncMode, SyncStage[]> = {
  [SyncMode.INCREMENTAL]: ['messages', 'tickets', 'reconcile', 'events', 'done'],
  [SyncMode.FULL]: ['messages', 'tickets', 'reconcile', 'events', 'sweep', 'done'],
};

/** Share of the progress bar each stage fills (messages outnumber tickets about 5 to 1). */
const STAGE_WEIGHT: Partial<Record<SyncStage, [number, number]>> = {
  messages: [0, 75],
  tickets: [75, 97],
  reconcile: [97, 99],
  events: [99, 100],
  sweep: [99, 100],
};

class RunCancelled extends Error {}

interface RunState {
  run: SyncRunEntity;
  owner: string;
  scope: SyncLogScope & { tenantId: string; connectorId: string };
  client: GorgiasClient;
  checkpoint: SyncCheckpoint;
  phase: string;
  ticketsSynced: number;
  messagesSynced: number;
  ticketsDeleted: number;
  ticketsTotal: number | null;
  baseRequests: number;
  baseWaits: number;
  percent: number;
  status: SyncRunStatus;
  /** What the run authenticates with (the connector's, when the run started). */
  credentials: GorgiasCredentials;
  /** The run was taken over (or handed back at shutdown): this instance no longer speaks for it. */
  leaseLost?: boolean;
}

/**
 * Executes one claimed sync run: walks Gorgias lists newest first down to the stored watermarks
 * (everything on an initial or FULL run), and after every page commits the rows and the new
 * checkpoint in one transaction, fenced by the run's lease. A run picked up again after a crash
 * continues from its checkpoint; upserts are idempotent, so a replayed page changes nothing.
 */
@Injectable()
export class TicketSyncService {
  private readonly logger = new Logger(TicketSyncService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: SyncRunStore,
    private readonly connectors: ConnectorsService,
    private readonly clients: GorgiasClientFactory,
    private readonly writer: TicketWriter,
    private readonly logs: SyncLogWriter,
    private readonly bus: SyncProgressBus,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  async execute(run: SyncRunEntity, owner: string): Promise<void> {
    const found = await this.connectors.findWithCredentials(run.connectorId);
    if (!found) return; // the connector was deleted: its runs went with it
    const scope = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id };
    const state: RunState = {
      run,
      owner,
      scope,
      client: this.clients.create(found.credentials),
      credentials: found.credentials,
      checkpoint: run.checkpoint ?? {},
      phase: run.phase,
      ticketsSynced: run.ticketsSynced,
      messagesSynced: run.messagesSynced,
      ticketsDeleted: run.ticketsDeleted,
      ticketsTotal: run.ticketsTotal,
      baseRequests: run.apiRequests,
      baseWaits: run.rateLimitWaits,
      percent: run.percent ?? 0,
      status: SyncRunStatus.RUNNING,
    };
    let ticks = 0;
    const renewEvery = Math.max(1, Math.floor((this.config.sync.leaseSeconds * 1000) / 3 / PROGRESS_INTERVAL_MS));
    const timer = setInterval(() => {
      if (state.leaseLost) return;
      void this.publish(state);
      // A page can take long (rate-limit waits, retries): keep the lease alive meanwhile.
      if (++ticks % renewEvery === 0) void this.runs.renewLease({ id: run.id, owner }, this.config.sync.leaseSeconds).catch(() => undefined);
    }, PROGRESS_INTERVAL_MS);
    try {
      if (found.connector.status === 'PAUSED' || found.connector.status === 'DRAFT') throw new RunCancelled();
      if (run.attempts > 1 || run.checkpoint?.stage) {
        await this.logs.info(scope, `Resuming the ${run.mode.toLowerCase()} sync at "${run.phase}" (attempt ${run.attempts}); data already synced is kept.`);
      } else {
        const first = run.mode === SyncMode.INCREMENTAL && !(await this.runs.watermarks(run.connectorId)).messages;
        const kind = run.mode === SyncMode.FULL ? 'Full' : first ? 'Initial' : 'Incremental';
        await this.logs.info(scope, `${kind} sync started (${run.trigger.toLowerCase()}).`);
      }
      await this.runStages(state);
      await this.succeed(state);
    } catch (e) {
      await this.fail(state, e);
    } finally {
      clearInterval(timer);
      if (!state.leaseLost) await this.publish(state);
    }
  }

  private async runStages(state: RunState): Promise<void> {
    const stages = STAGES[state.run.mode];
    const watermarks = await this.runs.watermarks(state.run.connectorId);
    if (!state.checkpoint.stage) {
      state.checkpoint = {
        stage: stages[0],
        initial: state.run.mode === SyncMode.FULL || !watermarks.tickets || !watermarks.messages,
      };
    }
    for (let i = stages.indexOf(state.checkpoint.stage!); i < stages.length - 1; i++) {
      const stage = stages[i];
      const next = stages[i + 1];
      switch (stage) {
        case 'messages':
          await this.walk(state, 'messages', next, watermarks.messages, {
            sortKey: 'created_datetime',
            fetch: (cursor) => state.client.listMessages({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' }),
            fetchOldest: () => state.client.listMessages({ limit: 1, order_by: 'created_datetime:asc' }),
            fetchTop: undefined,
            timestamp: (msg) => msg.created_datetime,
            apply: async (m, items) => {
              state.messagesSynced += await this.writer.upsertMessages(m, state.scope, items);
            },
          });
          break;
        case 'tickets':
          await this.walk(state, 'tickets', next, watermarks.tickets, {
            // Initial/FULL walks follow creation order, which updates cannot reshuffle, so every
            // existing ticket is seen exactly once; incremental walks follow updates down to the watermark.
            sortKey: state.checkpoint.initial ? 'created_datetime' : 'updated_datetime',
            fetch: (cursor) =>
              state.client.listTickets({
                limit: PAGE_SIZE,
                cursor,
                order_by: state.checkpoint.initial ? 'created_datetime:desc' : 'updated_datetime:desc',
              }),
            fetchOldest: () => state.client.listTickets({ limit: 1, order_by: 'created_datetime:asc' }),
            fetchTop: () => state.client.listTickets({ limit: 1, order_by: 'updated_datetime:desc' }),
            timestamp: (t) => (state.checkpoint.initial ? t.created_datetime : t.updated_datetime),
            watermarkOf: (t) => t.updated_datetime,
            apply: async (m, items) => {
              state.ticketsSynced += await this.writer.upsertTickets(m, state.scope, items);
            },
          });
          break;
        case 'reconcile':
          await this.reconcile(state, next);
          break;
        case 'events':
          await this.readDeletions(state, next, watermarks.events);
          break;
        case 'sweep':
          await this.sweep(state, next);
          break;
      }
    }
  }

  /**
   * Walks one list newest first. Stops below `watermark - overlap` (never, on an initial run).
   * The newest timestamp at the start becomes the stream's watermark once the walk completes.
   */
  private async walk<T>(
    state: RunState,
    stream: SyncStream,
    next: SyncStage,
    watermark: Date | null | undefined,
    spec: {
      sortKey: string;
      fetch: (cursor?: string) => Promise<GorgiasPage<T>>;
      fetchOldest: () => Promise<GorgiasPage<T>>;
      fetchTop?: () => Promise<GorgiasPage<T>>;
      timestamp: (item: T) => string;
      watermarkOf?: (item: T) => string;
      apply: (m: EntityManager, items: T[]) => Promise<void>;
    },
  ): Promise<void> {
    const cp = state.checkpoint;
    const label = stream === 'messages' ? 'messages' : 'tickets';
    if (cp.position === undefined) {
      // First entry into this stage (a resumed run keeps what it had).
      cp.cursor = null;
      cp.position = null;
      cp.stopBefore = !cp.initial && watermark ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS).toISOString() : null;
      if (cp.initial) {
        const oldest = (await spec.fetchOldest()).data[0];
        cp.oldest = oldest ? spec.timestamp(oldest) : null;
      }
      if (spec.fetchTop) {
        const top = (await spec.fetchTop()).data[0];
        cp.pendingWatermark = top ? (spec.watermarkOf ?? spec.timestamp)(top) : null;
      }
      state.phase = `reading ${label}`;
    }
    let restarted = false;
    // The next page is fetched while this one is written: the walk then runs at the pace of the
    // rate limit or of the database, whichever is slower, not of both added up.
    let prefetched: Promise<GorgiasPage<T>> | null = null;
    for (;;) {
      let page: GorgiasPage<T>;
      try {
        page = await (prefetched ?? spec.fetch(cp.cursor ?? undefined));
        prefetched = null;
      } catch (e) {
        prefetched = null;
        // Cursors are good within one run only: after a long pause the API may refuse it.
        if (e instanceof GorgiasApiError && e.code === 'BAD_REQUEST' && cp.cursor && !restarted) {
          restarted = true;
          await this.logs.warn(state.scope, `The ${label} page cursor was refused by Gorgias; restarting the ${label} walk (rows already synced are kept).`);
          cp.cursor = null;
          continue;
        }
        throw e;
      }
      const items = page.data;
      if (!cp.cursor && !cp.pendingWatermark && items.length) {
        cp.pendingWatermark = (spec.watermarkOf ?? spec.timestamp)(items[0]);
      }
      const stopMs = datetimeMs(cp.stopBefore);
      const inRange = cp.stopBefore ? items.filter((i) => datetimeMs(spec.timestamp(i)) >= stopMs) : items;
      const done = !page.meta?.next_cursor || inRange.length < items.length || items.length === 0;
      if (inRange.length) cp.position = spec.timestamp(inRange[inRange.length - 1]);
      const fraction = done ? 1 : this.walkFraction(cp);
      state.percent = this.stagePercent(cp.stage!, fraction);
      if (stream === 'tickets' && fraction >= 0.02) state.ticketsTotal = Math.round(state.ticketsSynced / fraction);
      if (!done) {
        prefetched = spec.fetch(page.meta.next_cursor!);
        prefetched.catch(() => undefined); // its failure is handled where it is awaited, or it is abandoned
      }
      await this.dataSource.transaction(async (m) => {
        if (inRange.length) await spec.apply(m, inRange);
        if (done) {
          if (cp.pendingWatermark) await this.runs.setWatermark(m, state.scope, stream, cp.pendingWatermark);
          this.advance(state, next);
        } else {
          cp.cursor = page.meta.next_cursor;
        }
        await this.saveCheckpoint(m, state);
      });
      await this.publish(state);
      if (done) {
        await this.logs.info(state.scope, `Read ${label}: ${stream === 'messages' ? state.messagesSynced : state.ticketsSynced} so far in this run.`);
        return;
      }
    }
  }

  /** The guide's "missing messages": a ticket whose stored messages differ from its count is re-read on its own. */
  private async reconcile(state: RunState, next: SyncStage): Promise<void> {
    state.phase = 'checking message counts';
    const cp = state.checkpoint;
    cp.reconciled ??= 0;
    const mismatches = await this.writer.findMessageCountMismatches(
      this.dataSource.manager,
      state.scope,
      MAX_RECONCILED_TICKETS_PER_RUN - cp.reconciled,
    );
    for (const mismatch of mismatches) {
      let ticketGone = false;
      let stored = 0;
      let removed = 0;
      let expected = mismatch.expected;
      try {
        const ticket = await state.client.getTicket(Number(mismatch.externalId));
        expected = ticket.messages_count ?? expected;
        const listed: number[] = [];
        await this.dataSource.transaction(async (m) => {
          await this.writer.upsertTickets(m, state.scope, [ticket]);
          for await (const page of state.client.paginate((cursor) =>
            state.client.listMessages({ ticket_id: Number(mismatch.externalId), limit: PAGE_SIZE, cursor, order_by: 'created_datetime:asc' }),
          )) {
            stored += await this.writer.upsertMessages(m, state.scope, page.data);
            listed.push(...page.data.map((msg) => msg.id));
          }
          removed = await this.writer.markUnlistedMessagesDeleted(m, state.scope, mismatch.externalId, listed);
          await this.writer.markReconciled(m, state.scope, mismatch.externalId);
          cp.reconciled = (cp.reconciled ?? 0) + 1;
          await this.saveCheckpoint(m, state);
        });
      } catch (e) {
        if (!(e instanceof GorgiasApiError && e.code === 'NOT_FOUND')) throw e;
        ticketGone = true;
        await this.dataSource.transaction(async (m) => {
          state.ticketsDeleted += await this.writer.markTicketsDeleted(m, state.scope, [mismatch.externalId], new Date());
          await this.saveCheckpoint(m, state);
        });
      }
      const outcome = ticketGone
        ? 'it no longer exists in Gorgias and was marked deleted'
        : removed
          ? `re-read it: ${stored} messages listed, ${removed} no longer in Gorgias marked deleted`
          : stored >= expected
          ? `re-read it: ${stored} messages now stored`
          : `re-read it, but Gorgias lists only ${stored}: the others may have been deleted in Gorgias`;
      await this.logs.warn(
        state.scope,
        `Ticket ${mismatch.externalId}: Gorgias reports ${mismatch.expected} messages but ${mismatch.stored} were stored; ${outcome}.`,
      );
    }
    await this.dataSource.transaction(async (m) => {
      this.advance(state, next);
      await this.saveCheckpoint(m, state);
    });
  }

  /** Deleted tickets disappear from lists: the events list says which (as soft deletes here). */
  private async readDeletions(state: RunState, next: SyncStage, watermark: Date | null | undefined): Promise<void> {
    state.phase = 'reading deletions';
    const cp = state.checkpoint;
    const since = watermark && !cp.initial ? new Date(watermark.getTime() - WATERMARK_OVERLAP_MS) : null;
    let newest: string | null = cp.pendingWatermark ?? null;
    if (since) {
      const apply = async (events: GorgiasEvent[]) => {
        const ids = events
          .filter((e) => TICKET_DELETION_EVENT_TYPES.includes(e.type) && e.object_id != null && datetimeMs(e.created_datetime) >= since.getTime())
          .map((e) => String(e.object_id));
        for (const e of events) if (!newest || datetimeMs(e.created_datetime) > datetimeMs(newest)) newest = e.created_datetime;
        if (ids.length) {
          await this.dataSource.transaction(async (m) => {
            state.ticketsDeleted += await this.writer.markTicketsDeleted(m, state.scope, ids, new Date());
            await this.saveCheckpoint(m, state);
          });
        }
      };
      try {
        try {
          for await (const page of state.client.paginate((cursor) =>
            state.client.listEvents({ limit: PAGE_SIZE, cursor, types: TICKET_DELETION_EVENT_TYPES, createdAfter: since.toISOString() }),
          )) {
            await apply(page.data);
          }
        } catch (e) {
          // The type and date filters are not in the public reference: if Gorgias refuses them,
          // walk the events newest first without filters and stop at the watermark.
          if (!(e instanceof GorgiasApiError && e.code === 'BAD_REQUEST')) throw e;
          await this.logs.warn(state.scope, 'Gorgias refused the filtered events list; reading recent events unfiltered instead.');
          for await (const page of state.client.paginate((cursor) =>
            state.client.listEvents({ limit: PAGE_SIZE, cursor, order_by: 'created_datetime:desc' }),
          )) {
            await apply(page.data);
            const oldest = page.data[page.data.length - 1];
            if (!oldest || datetimeMs(oldest.created_datetime) < since.getTime()) break;
          }
        }
      } catch (e) {
        if (!(e instanceof GorgiasApiError && (e.code === 'PERMISSION_DENIED' || e.code === 'BAD_REQUEST'))) throw e;
        await this.logs.warn(
          state.scope,
          e.code === 'PERMISSION_DENIED'
            ? 'The API key cannot read events, so tickets deleted in Gorgias are only detected by a FULL sync.'
            : 'Gorgias refused the events list, so tickets deleted in Gorgias are only detected by a FULL sync.',
        );
      }
    }
    await this.dataSource.transaction(async (m) => {
      // The first run starts the events watermark now: nothing synced before can have been deleted since.
      await this.runs.setWatermark(m, state.scope, 'events', newest ?? state.run.startedAt ?? new Date());
      this.advance(state, next);
      await this.saveCheckpoint(m, state);
    });
  }

  /** FULL: tickets not seen since the run started have vanished from Gorgias. */
  private async sweep(state: RunState, next: SyncStage): Promise<void> {
    state.phase = 'marking vanished tickets';
    await this.dataSource.transaction(async (m) => {
      const vanished = await this.writer.markTicketsNotSeenSinceDeleted(m, state.scope, state.run.startedAt ?? state.run.createdAt);
      state.ticketsDeleted += vanished;
      this.advance(state, next);
      await this.saveCheckpoint(m, state);
      if (vanished) await this.logs.info(state.scope, `${vanished} tickets no longer in Gorgias were marked deleted.`, m);
    });
  }

  private advance(state: RunState, next: SyncStage): void {
    const initial = state.checkpoint.initial;
    const reconciled = state.checkpoint.reconciled;
    state.checkpoint = { stage: next, initial, reconciled };
  }

  private async saveCheckpoint(m: EntityManager, state: RunState): Promise<void> {
    const { connectorStatus } = await this.runs.checkpoint(
      m,
      { id: state.run.id, owner: state.owner, leaseSeconds: this.config.sync.leaseSeconds },
      state.phase,
      state.checkpoint,
      this.counters(state),
    );
    if (connectorStatus === 'PAUSED') throw new RunCancelled();
  }

  private counters(state: RunState) {
    return {
      ticketsSynced: state.ticketsSynced,
      messagesSynced: state.messagesSynced,
      ticketsDeleted: state.ticketsDeleted,
      apiRequests: state.baseRequests + state.client.stats.requests,
      rateLimitWaits: state.baseWaits + state.client.stats.rateLimitWaits,
      ticketsTotal: state.ticketsTotal,
      percent: Math.round(state.percent * 10) / 10,
    };
  }

  /** How far a newest-first walk has come, by time: from the top timestamp down to the watermark or the oldest item. */
  private walkFraction(cp: SyncCheckpoint): number {
    const top = datetimeMs(cp.pendingWatermark);
    const bottom = cp.stopBefore ? datetimeMs(cp.stopBefore) : datetimeMs(cp.oldest);
    const at = datetimeMs(cp.position);
    if (!(top > bottom) || Number.isNaN(at)) return 0;
    return Math.min(1, Math.max(0, (top - at) / (top - bottom)));
  }

  private stagePercent(stage: SyncStage, fraction: number): number {
    const [from, to] = STAGE_WEIGHT[stage] ?? [0, 100];
    return from + (to - from) * fraction;
  }

  private async succeed(state: RunState): Promise<void> {
    state.status = SyncRunStatus.SUCCEEDED;
    state.percent = 100;
    state.phase = 'done';
    await this.dataSource.transaction(async (m) => {
      await this.runs.finish(m, { id: state.run.id, owner: state.owner }, SyncRunStatus.SUCCEEDED, { phase: 'done', ...this.counters(state) });
      await this.connectors.recordSyncSuccess(m, state.run.connectorId);
      const c = this.counters(state);
      await this.logs.info(
        state.scope,
        `Sync succeeded: ${state.ticketsSynced} tickets and ${state.messagesSynced} messages synced, ${state.ticketsDeleted} deleted, ` +
          `${c.apiRequests} Gorgias API calls, ${c.rateLimitWaits} rate-limit waits.`,
        m,
      );
    });
  }

  private async fail(state: RunState, error: unknown): Promise<void> {
    const run = { id: state.run.id, owner: state.owner };
    if (error instanceof LeaseLostError) {
      // Another instance owns the run now, or it was cancelled, or the connector deleted: stop quietly.
      this.logger.warn(`sync run ${state.run.id}: lease lost, stopping`);
      state.leaseLost = true; // whoever holds the run now reports its progress
      return;
    }
    try {
      if (error instanceof RunCancelled) {
        state.status = SyncRunStatus.CANCELLED;
        state.phase = 'cancelled';
        await this.dataSource.transaction(async (m) => {
          await this.runs.finish(m, run, SyncRunStatus.CANCELLED, { phase: 'cancelled', ...this.counters(state) });
          await this.logs.info(state.scope, 'Sync cancelled: the connector was paused. Data synced so far is kept.', m);
        });
        return;
      }
      const current = await this.connectors.findWithCredentials(state.run.connectorId);
      const advice = adviceFor(error, current?.connector.subdomain ?? 'your account');
      const code = error instanceof GorgiasApiError ? error.code : 'INTERNAL';
      if (!(error instanceof GorgiasApiError)) this.logger.error({ err: error }, `sync run ${state.run.id} failed`);
      const needsUser = NEEDS_USER.has(code);
      if (needsUser && current && !sameCredentials(current.credentials, state.credentials)) {
        // The user fixed or rotated the key while this run used the old one: go on with the new one.
        state.status = SyncRunStatus.QUEUED;
        state.phase = 'waiting to resume';
        await this.runs.requeue(run, 0, advice.message, this.counters(state));
        await this.logs.info(state.scope, 'The connector\'s credentials changed during the sync; it continues with the new ones from where it stopped.');
        await this.bus.wakeUp().catch(() => undefined);
        return;
      }
      if (!needsUser && state.run.attempts < MAX_RUN_ATTEMPTS) {
        const delay = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (state.run.attempts - 1));
        state.status = SyncRunStatus.QUEUED;
        state.phase = 'waiting to retry';
        await this.runs.requeue(run, delay, advice.message, this.counters(state));
        await this.logs.warn(
          state.scope,
          `${advice.message} The sync will resume from where it stopped in ${Math.round(delay / 1000)} s (attempt ${state.run.attempts} of ${MAX_RUN_ATTEMPTS}).`,
        );
        return;
      }
      state.status = SyncRunStatus.FAILED;
      state.phase = 'failed';
      await this.dataSource.transaction(async (m) => {
        await this.runs.finish(m, run, SyncRunStatus.FAILED, {
          phase: 'failed',
          error: advice.message,
          errorCode: advice.code,
          ...this.counters(state),
        });
        await this.connectors.recordSyncFailure(m, state.run.connectorId, {
          message: advice.message,
          code: advice.code,
          needsUser,
          retryInMs: FAILED_RUN_RESCHEDULE_MS,
        });
        await this.logs.error(
          state.scope,
          `Sync failed: ${advice.message}${needsUser ? '' : ' The next scheduled sync will try again.'} Data synced before the failure is kept.`,
          m,
        );
      });
    } catch (e) {
      if (!(e instanceof LeaseLostError)) this.logger.error({ err: e }, `sync run ${state.run.id}: could not record its failure`);
    }
  }

  private async publish(state: RunState): Promise<void> {
    await this.bus
      .publish({
        connectorId: state.run.connectorId,
        tenantId: state.run.tenantId,
        runId: state.run.id,
        status: state.status,
        phase: state.phase,
        ticketsSynced: state.ticketsSynced,
        messagesSynced: state.messagesSynced,
        ticketsTotal: state.ticketsTotal,
        percent: Math.round(state.percent * 10) / 10,
        at: new Date().toISOString(),
      })
      .catch(() => undefined);
  }
}

function sameCredentials(a: GorgiasCredentials, b: GorgiasCredentials): boolean {
  return a.apiKey === b.apiKey && a.email === b.email && a.subdomain === b.subdomain;
}
