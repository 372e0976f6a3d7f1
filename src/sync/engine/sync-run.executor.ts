import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appConfig, AppConfig } from '../../config/app.config';
import { adviceFor, syncFailureAdvice } from '../../connectors/connection-advice';
import { ConnectorsService } from '../../connectors/connectors.service';
import { GorgiasApiError } from '../../gorgias/gorgias-api.error';
import { GorgiasClientFactory } from '../../gorgias/gorgias-client.factory';
import { GorgiasCredentials } from '../../gorgias/gorgias.types';
import { SecretUnreadableError } from '../../secrets/secret-cipher';
import { SyncProgressBus } from '../progress/sync-progress.bus';
import { LeaseLostError } from '../repositories/lease-lost.error';
import { SyncCursorRepository } from '../repositories/sync-cursor.repository';
import { SyncQuarantineRepository } from '../repositories/sync-quarantine.repository';
import { SyncRunRepository } from '../repositories/sync-run.repository';
import { SyncRunRow } from '../repositories/sync-run.row';
import { SyncLogService } from '../sync-log.service';
import { SyncMode, SyncRunStatus, SyncStage } from '../sync-run.types';
import { FAILED_RUN_RESCHEDULE_MS, MAX_RUN_ATTEMPTS, PROGRESS_INTERVAL_MS } from '../sync.constants';
import { inSyncStageSpan } from '../../observability/tracing/sync-page.span';
import { RunObserverRegistry } from './run-observer';
import { RunServices, RunSession } from './run-session';
import { clampWatermark, firstCheckpoint, remainingStages } from './stage-plan';
import { EventsStage } from './stages/events.stage';
import { MessagesStage } from './stages/messages.stage';
import { ReconcileStage } from './stages/reconcile.stage';
import { RefreshStage } from './refresh/refresh.stage';
import { SweepStage } from './stages/sweep.stage';
import { SyncStageRunner } from './stages/sync-stage';
import { TicketsStage } from './stages/tickets.stage';
import { decideFailure, FailureDecision, needsCurrentCredentials, RunCancelled } from './sync-failure.policy';

/**
 * Executes one claimed sync run: its stages in order (stage-plan.ts), each walking Gorgias newest
 * first down to the stored watermarks and committing rows and the new checkpoint in one transaction
 * per page, fenced by the run's lease. Meanwhile it keeps the lease alive and reports progress; at
 * the end it records the outcome (sync-failure.policy.ts decides what a failure means). A run
 * picked up again after a crash continues from its checkpoint; upserts are idempotent.
 */
@Injectable()
export class SyncRunExecutor {
  private readonly logger = new Logger(SyncRunExecutor.name);
  private readonly services: RunServices;
  /** One runner per stage: a stage added to SyncStage must be given one here. */
  private readonly stages: Record<Exclude<SyncStage, 'done'>, SyncStageRunner>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly runs: SyncRunRepository,
    cursors: SyncCursorRepository,
    quarantine: SyncQuarantineRepository,
    private readonly connectors: ConnectorsService,
    private readonly clients: GorgiasClientFactory,
    private readonly logs: SyncLogService,
    private readonly bus: SyncProgressBus,
    observers: RunObserverRegistry,
    messages: MessagesStage,
    tickets: TicketsStage,
    reconcile: ReconcileStage,
    events: EventsStage,
    sweep: SweepStage,
    refresh: RefreshStage,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.services = { dataSource, runs, cursors, logs, observers, quarantine, leaseSeconds: config.sync.leaseSeconds };
    this.stages = { messages, tickets, reconcile, events, sweep, refresh };
  }

  /** Executes a run just claimed; every write is fenced by that claim's token. */
  async execute(run: SyncRunRow): Promise<void> {
    const token = run.leaseToken;
    if (!token) throw new Error(`sync run ${run.id} was not claimed`);
    let found;
    try {
      found = await this.connectors.findWithCredentials(run);
    } catch (e) {
      // The stored key cannot be decrypted (the connector is now in ERROR, asking for it): the run ends
      // here, FAILED, instead of being claimed again and again.
      if (e instanceof SecretUnreadableError) return this.failUnreadable(run, token, e);
      throw e;
    }
    if (!found) return; // the connector was deleted: its runs went with it
    const client = this.clients.create(found.credentials, { tenantId: run.tenantId, connectorId: run.connectorId });
    const session = new RunSession(run, token, client, found.credentials, this.services);
    let ticks = 0;
    const renewEvery = Math.max(1, Math.floor((this.config.sync.leaseSeconds * 1000) / 3 / PROGRESS_INTERVAL_MS));
    const timer = setInterval(() => {
      if (session.leaseLost) return;
      void session.publish();
      // A page can take long (rate-limit waits, retries): keep the lease alive meanwhile.
      // A failed renewal is tried again next time (three chances per lease); the page's checkpoint renews it too.
      if (++ticks % renewEvery === 0)
        void this.runs.renewLease({ id: run.id, token }, this.config.sync.leaseSeconds).catch(() => undefined);
    }, PROGRESS_INTERVAL_MS);
    let errorCode: string | null = null;
    try {
      if (found.connector.status === 'PAUSED' || found.connector.status === 'DRAFT') throw new RunCancelled();
      await session.publish(); // where this instance takes the run up: observers count from here
      await this.logStart(session);
      await this.runStages(session);
      await this.succeed(session);
    } catch (e) {
      errorCode = await this.fail(session, e);
    } finally {
      clearInterval(timer);
      if (!session.leaseLost) {
        await session.publish();
        await this.services.observers.finished(session.ctx, {
          ...session.counters(),
          status: session.status,
          durationMs: Date.now() - session.startedAtMs,
          errorCode,
        });
      }
    }
  }

  private async failUnreadable(run: SyncRunRow, token: string, error: SecretUnreadableError): Promise<void> {
    const subdomain = (await this.connectors.subdomainOf(run)) ?? 'your account';
    const advice = adviceFor(error, subdomain);
    const scope = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id };
    await this.services.dataSource.transaction(async (m) => {
      await this.runs.finish(m, { id: run.id, token }, SyncRunStatus.FAILED, {
        phase: 'failed',
        error: advice.message,
        errorCode: advice.code,
      });
      await this.logs.error(scope, `Sync failed: ${advice.message}`, m);
    });
    const ctx = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id, mode: run.mode, trigger: run.trigger };
    await this.services.observers.finished(ctx, {
      status: SyncRunStatus.FAILED,
      ticketsSynced: run.ticketsSynced,
      messagesSynced: run.messagesSynced,
      ticketsDeleted: run.ticketsDeleted,
      apiRequests: run.apiRequests,
      rateLimitWaits: run.rateLimitWaits,
      durationMs: 0,
      errorCode: advice.code,
    });
  }

  private async logStart(session: RunSession): Promise<void> {
    const run = session.run;
    if (run.mode === SyncMode.REFRESH) return; // one line at the end says what it read
    if (run.attempts > 1 || run.checkpoint?.stage) {
      await this.logs.info(
        session.scope,
        `Resuming the ${run.mode.toLowerCase()} sync at "${run.phase}" (attempt ${run.attempts}); data already synced is kept.`,
      );
      return;
    }
    const first = run.mode === SyncMode.INCREMENTAL && !(await this.services.cursors.watermarks(run.connectorId)).messages;
    const kind = run.mode === SyncMode.FULL ? 'Full' : first ? 'Initial' : 'Incremental';
    await this.logs.info(session.scope, `${kind} sync started (${run.trigger.toLowerCase()}).`);
  }

  private async runStages(session: RunSession): Promise<void> {
    const stored = await this.services.cursors.watermarks(session.run.connectorId);
    // A watermark stored in the future (before it was clamped) must not make this run stop at its first page.
    const cap = session.watermarkCap;
    const watermarks = Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, clampWatermark(v, cap)])) as typeof stored;
    if (!session.checkpoint.stage) session.checkpoint = firstCheckpoint(session.run.mode, watermarks);
    for (const { stage, next } of remainingStages(session.run.mode, session.checkpoint)) {
      if (stage === 'done') break;
      // Tracing: each stage is a trace of its own (list walks start one more per page).
      await inSyncStageSpan(session.spanScope(), () => this.stages[stage].run(session, next, watermarks));
      await this.services.observers.stageDone(session.ctx, stage);
    }
  }

  private async succeed(session: RunSession): Promise<void> {
    session.status = SyncRunStatus.SUCCEEDED;
    session.percent = 100;
    session.phase = 'done';
    await this.services.dataSource.transaction(async (m) => {
      const c = session.counters();
      await this.runs.finish(m, { id: session.run.id, token: session.claimToken }, SyncRunStatus.SUCCEEDED, { phase: 'done', ...c });
      if (session.run.mode === SyncMode.REFRESH) {
        // Not a poll: the connector's schedule and health are the polls' to set.
        await this.logs.info(
          session.scope,
          `Re-read ${session.ticketsSynced} tickets announced by webhooks (${session.messagesSynced} messages, ${session.ticketsDeleted} deleted): ${c.apiRequests} Gorgias API calls.`,
          m,
        );
        return;
      }
      await this.connectors.recordSyncSuccess(m, session.run);
      await this.logs.info(
        session.scope,
        `Sync succeeded: ${session.ticketsSynced} tickets and ${session.messagesSynced} messages synced, ${session.ticketsDeleted} deleted, ` +
          `${c.apiRequests} Gorgias API calls, ${c.rateLimitWaits} rate-limit waits.`,
        m,
      );
    });
  }

  /** Carries out what the failure policy decides; returns the advice code recorded, if any. */
  private async fail(session: RunSession, error: unknown): Promise<string | null> {
    const run = { id: session.run.id, token: session.claimToken };
    try {
      const current = needsCurrentCredentials(error)
        ? // Unreadable or deleted credentials: the run ends on the original error, which already says what to do.
          await this.connectors.findWithCredentials(session.run).catch(() => null)
        : null;
      const decision: FailureDecision = decideFailure({
        error,
        attempts: session.run.attempts,
        credentialsRotated: !!current && !sameCredentials(current.credentials, session.credentials),
      });
      // Deleted while syncing (seen as a refused write, or as the run gone from under its fence):
      // its runs and data went with it. Nothing to record, nothing to report: a cancellation.
      const gone =
        decision.action === 'connector-gone' ||
        (decision.action === 'lease-lost' && (await this.connectors.findWithCredentials(session.run).catch(() => 'unreadable')) === null);
      if (gone) {
        this.logger.log(`sync run ${session.run.id}: its connector was deleted, stopping`);
        session.leaseLost = true;
        return null;
      }
      if (decision.action === 'lease-lost') {
        this.logger.warn(`sync run ${session.run.id}: lease lost, stopping`);
        session.leaseLost = true; // whoever holds the run now reports its progress
        return null;
      }
      if (decision.action === 'cancel') {
        session.status = SyncRunStatus.CANCELLED;
        session.phase = 'cancelled';
        await this.services.dataSource.transaction(async (m) => {
          await this.runs.finish(m, run, SyncRunStatus.CANCELLED, { phase: 'cancelled', ...session.counters() });
          await this.logs.info(session.scope, 'Sync cancelled: the connector was paused. Data synced so far is kept.', m);
        });
        return null;
      }
      const advice = syncFailureAdvice(error, current?.connector.subdomain ?? session.credentials.subdomain);
      if (!(error instanceof GorgiasApiError)) this.logger.error({ err: error }, `sync run ${session.run.id} failed`);
      if (decision.action === 'continue-with-new-credentials') {
        session.status = SyncRunStatus.QUEUED;
        session.phase = 'waiting to resume';
        await this.runs.requeue(run, 0, advice.message, session.counters());
        await this.logs.info(
          session.scope,
          "The connector's credentials changed during the sync; it continues with the new ones from where it stopped.",
        );
        await this.bus.wakeUp().catch(() => undefined); // the scheduler's tick picks it up anyway
        return advice.code;
      }
      if (decision.action === 'retry') {
        session.status = SyncRunStatus.QUEUED;
        session.phase = 'waiting to retry';
        await this.runs.requeue(run, decision.delayMs, advice.message, session.counters());
        await this.logs.warn(
          session.scope,
          `${advice.message} The sync will resume from where it stopped in ${Math.round(decision.delayMs / 1000)} s (attempt ${session.run.attempts} of ${MAX_RUN_ATTEMPTS}).`,
        );
        return advice.code;
      }
      session.status = SyncRunStatus.FAILED;
      session.phase = 'failed';
      await this.services.dataSource.transaction(async (m) => {
        await this.runs.finish(m, run, SyncRunStatus.FAILED, {
          phase: 'failed',
          error: advice.message,
          errorCode: advice.code,
          ...session.counters(),
        });
        await this.connectors.recordSyncFailure(m, session.run, {
          message: advice.message,
          code: advice.code,
          needsUser: decision.needsUser,
          retryInMs: FAILED_RUN_RESCHEDULE_MS,
        });
        await this.logs.error(
          session.scope,
          `Sync failed: ${advice.message}${decision.needsUser ? '' : ' The next scheduled sync will try again.'} Data synced before the failure is kept.`,
          m,
        );
      });
      return advice.code;
    } catch (e) {
      if (!(e instanceof LeaseLostError)) this.logger.error({ err: e }, `sync run ${session.run.id}: could not record its failure`);
      return null;
    }
  }
}

function sameCredentials(a: GorgiasCredentials, b: GorgiasCredentials): boolean {
  return a.apiKey === b.apiKey && a.email === b.email && a.subdomain === b.subdomain;
}
