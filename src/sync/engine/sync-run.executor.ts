import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { appConfig, AppConfig } from '../../config/app.config';
import { ConnectorCredentials } from '../../connectors/credentials/connector-credentials';
import { inSyncStageSpan } from '../../observability/tracing/sync-page.span';
import { SecretUnreadableError } from '../../secrets/secret-cipher';
import { SyncCursorRepository } from '../repositories/sync-cursor.repository';
import { SyncQuarantineRepository } from '../repositories/sync-quarantine.repository';
import { SyncRunRepository } from '../repositories/sync-run.repository';
import { SyncRunRow } from '../repositories/sync-run.row';
import { SyncLogService } from '../sync-log.service';
import { SyncMode, SyncStage } from '../sync-run.types';
import { PROGRESS_INTERVAL_MS } from '../sync.constants';
import { RunOutcomeRecorder } from './outcome/run-outcome.recorder';
import { RunCancelled } from './outcome/sync-failure.policy';
import { RefreshStage } from './refresh/refresh.stage';
import { RunObserverRegistry } from './run-observer';
import { RunServices, RunSession } from './session/run-session';
import { HELPDESK_SOURCES, HelpdeskSources } from './source/helpdesk-source';
import { clampWatermark, firstCheckpoint, remainingStages } from './stage-plan';
import { CoverageStage } from './stages/coverage.stage';
import { EventsStage } from './stages/events.stage';
import { MessagesStage } from './stages/messages.stage';
import { ReconcileStage } from './stages/reconcile.stage';
import { SweepStage } from './stages/sweep.stage';
import { SyncStageRunner } from './stages/sync-stage';
import { TicketsStage } from './stages/tickets.stage';

/**
 * Executes one claimed sync run: claim → session → stages → outcome. The stages (stage-plan.ts) walk
 * the helpdesk newest first down to the stored watermarks and commit rows and the new checkpoint in
 * one transaction per page, fenced by the run's lease (session/). Meanwhile it keeps the lease alive
 * and reports progress; at the end outcome/ records how the run ended. A run picked up again after a
 * crash continues from its checkpoint; upserts are idempotent.
 */
@Injectable()
export class SyncRunExecutor {
  private readonly services: RunServices;
  /** One runner per stage: a stage added to SyncStage must be given one here. */
  private readonly stages: Record<Exclude<SyncStage, 'done'>, SyncStageRunner>;

  constructor(
    @InjectDataSource() dataSource: DataSource,
    private readonly runs: SyncRunRepository,
    cursors: SyncCursorRepository,
    quarantine: SyncQuarantineRepository,
    private readonly connectors: ConnectorCredentials,
    @Inject(HELPDESK_SOURCES) private readonly sources: HelpdeskSources,
    private readonly outcomes: RunOutcomeRecorder,
    logs: SyncLogService,
    observers: RunObserverRegistry,
    messages: MessagesStage,
    tickets: TicketsStage,
    reconcile: ReconcileStage,
    events: EventsStage,
    coverage: CoverageStage,
    sweep: SweepStage,
    refresh: RefreshStage,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {
    this.services = { dataSource, runs, cursors, logs, observers, quarantine, leaseSeconds: config.sync.leaseSeconds };
    this.stages = { messages, tickets, reconcile, events, coverage, sweep, refresh };
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
      if (e instanceof SecretUnreadableError) return this.outcomes.failUnreadable(run, token, e);
      throw e;
    }
    if (!found) return; // the connector was deleted: its runs went with it
    const source = this.sources.create(found.credentials, { tenantId: run.tenantId, connectorId: run.connectorId });
    const session = new RunSession(run, token, source, found.credentials, this.services);
    const timer = this.keepAlive(session);
    let errorCode: string | null = null;
    try {
      if (found.connector.status === 'PAUSED' || found.connector.status === 'DRAFT') throw new RunCancelled();
      await session.publish(); // where this instance takes the run up: observers count from here
      await this.logStart(session);
      await this.runStages(session);
      await this.outcomes.succeed(session);
    } catch (e) {
      errorCode = await this.outcomes.fail(session, e);
    } finally {
      clearInterval(timer);
      if (!session.leaseLost) {
        await session.publish();
        const outcome = session.tally.outcome(session.status, Date.now() - session.startedAtMs, errorCode);
        await this.services.observers.finished(session.ctx, outcome);
      }
    }
  }

  /** Reports progress every PROGRESS_INTERVAL_MS and renews the lease three times per lease. */
  private keepAlive(session: RunSession): NodeJS.Timeout {
    const leaseSeconds = this.config.sync.leaseSeconds;
    const renewEvery = Math.max(1, Math.floor((leaseSeconds * 1000) / 3 / PROGRESS_INTERVAL_MS));
    let ticks = 0;
    return setInterval(() => {
      if (session.leaseLost) return;
      void session.publish();
      // A page can take long (rate-limit waits, retries): keep the lease alive meanwhile.
      // A failed renewal is tried again next time (three chances per lease); the page's checkpoint renews it too.
      if (++ticks % renewEvery === 0)
        void this.runs.renewLease({ id: session.run.id, token: session.claimToken }, leaseSeconds).catch(() => undefined);
    }, PROGRESS_INTERVAL_MS);
  }

  private async logStart(session: RunSession): Promise<void> {
    const { run, logs } = session;
    if (run.mode === SyncMode.REFRESH) return; // one line at the end says what it read
    if (run.attempts > 1 || run.checkpoint?.stage) {
      const mode = run.mode.toLowerCase();
      await logs.info(session.scope, `Resuming the ${mode} sync at "${run.phase}" (attempt ${run.attempts}); data already synced is kept.`);
      return;
    }
    const first = run.mode === SyncMode.INCREMENTAL && !(await this.services.cursors.watermarks(run.connectorId)).messages;
    const kind = run.mode === SyncMode.FULL ? 'Full' : first ? 'Initial' : 'Incremental';
    await logs.info(session.scope, `${kind} sync started (${run.trigger.toLowerCase()}).`);
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
}
