import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { adviceFor } from '../../../connectors/connection-advice';
import { ConnectorSyncStatus } from '../../../connectors/connector-sync-status';
import { ConnectorCredentials } from '../../../connectors/credentials/connector-credentials';
import { SecretUnreadableError } from '../../../secrets/secret-cipher';
import { LeaseLostError } from '../../repositories/lease-lost.error';
import { SyncNotifyRepository } from '../../repositories/sync-notify.repository';
import { SyncRunRepository } from '../../repositories/sync-run.repository';
import { SyncRunRow } from '../../repositories/sync-run.row';
import { TicketRefreshRequestRepository } from '../../repositories/ticket-refresh-request.repository';
import { SyncLogService } from '../../sync-log.service';
import { SyncMode, SyncRunStatus } from '../../sync-run.types';
import { FAILED_RUN_RESCHEDULE_MS, MAX_RUN_ATTEMPTS, WAKEUP_CHANNEL } from '../../sync.constants';
import { RunObserverRegistry } from '../run-observer';
import { RunSession } from '../session/run-session';
import { RunTally } from '../session/run-tally';
import { HelpdeskApiError, HelpdeskCredentials } from '../source/helpdesk-source';
import { gaveUpLine, retryLine } from './failure-log';
import { successLine } from './run-summary';
import { syncFailureAdvice } from './sync-failure.advice';
import { decideFailure, needsCurrentCredentials } from './sync-failure.policy';

/**
 * How a run ends, recorded: its row (fenced by the claim's token), the connector's health, and the
 * sync log's line, together. The executor runs a run; this says how it ended, and the failure
 * policy (sync-failure.policy.ts, pure) decides what a failure means.
 */
@Injectable()
export class RunOutcomeRecorder {
  private readonly logger = new Logger(RunOutcomeRecorder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: SyncRunRepository,
    private readonly connectors: ConnectorCredentials,
    private readonly connectorStatus: ConnectorSyncStatus,
    private readonly logs: SyncLogService,
    /** Wakes the schedulers directly (what SyncSignals.wakeUp sends): the engine stays below signals/. */
    private readonly notify: SyncNotifyRepository,
    private readonly observers: RunObserverRegistry,
    private readonly refreshRequests: TicketRefreshRequestRepository,
  ) {}

  async succeed(session: RunSession): Promise<void> {
    session.status = SyncRunStatus.SUCCEEDED;
    session.tally.percent = 100;
    session.phase = 'done';
    const walkStartedAt = session.run.startedAt;
    if (session.run.mode !== SyncMode.REFRESH && walkStartedAt) {
      // A complete walk answers the webhooks received before it started. Committed before the run is
      // finished: a scheduler that sees the run finished sees them answered (ENQUEUE_WEBHOOK_RUNS_SQL
      // relies on it). Safe if the finish below then loses the lease: every page of the walk is stored.
      // The start is the claimed row's, cut to milliseconds by pg (never later than PostgreSQL's): a request
      // received in the start's own millisecond stays for a REFRESH run, which costs a read and misses nothing.
      await this.dataSource.transaction((m) => this.refreshRequests.completeReceivedBefore(m, session.scope, walkStartedAt));
    }
    await this.dataSource.transaction(async (m) => {
      const c = session.tally.counters();
      await this.runs.finish(m, { id: session.run.id, token: session.claimToken }, SyncRunStatus.SUCCEEDED, { phase: 'done', ...c });
      if (session.run.mode === SyncMode.REFRESH) {
        // Not a poll: the connector's schedule and health are the polls' to set.
        await this.logs.info(
          session.scope,
          `Re-read ${c.ticketsTotal ?? 0} tickets announced by webhooks (read ${c.ticketsRead} tickets, ${c.ticketsSynced} changed; ` +
            `${c.messagesSynced} messages, ${c.ticketsDeleted} deleted): ${c.apiRequests} Gorgias API calls.`,
          m,
        );
        return;
      }
      await this.connectorStatus.recordSyncSuccess(m, session.run);
      await this.logs.info(session.scope, successLine(c), m);
    });
  }

  /** The stored key cannot be decrypted: the run ends FAILED before it started, asking for the key again. */
  async failUnreadable(run: SyncRunRow, token: string, error: SecretUnreadableError): Promise<void> {
    const subdomain = (await this.connectors.subdomainOf(run)) ?? 'your account';
    const advice = adviceFor(error, subdomain);
    const scope = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id };
    await this.dataSource.transaction(async (m) => {
      await this.runs.finish(m, { id: run.id, token }, SyncRunStatus.FAILED, {
        phase: 'failed',
        error: advice.message,
        errorCode: advice.code,
      });
      await this.logs.error(scope, `Sync failed: ${advice.message}`, m);
    });
    const ctx = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id, mode: run.mode, trigger: run.trigger };
    // No call was made: the outcome is the run's row as it stands.
    await this.observers.finished(ctx, new RunTally(run).outcome(SyncRunStatus.FAILED, 0, advice.code));
  }

  /** Carries out what the failure policy decides; returns the advice code recorded, if any. */
  async fail(session: RunSession, error: unknown): Promise<string | null> {
    const run = { id: session.run.id, token: session.claimToken };
    try {
      const current = needsCurrentCredentials(error)
        ? // Unreadable or deleted credentials: the run ends on the original error, which already says what to do.
          await this.connectors.findWithCredentials(session.run).catch(() => null)
        : null;
      const decision = decideFailure({
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
        await this.dataSource.transaction(async (m) => {
          await this.runs.finish(m, run, SyncRunStatus.CANCELLED, { phase: 'cancelled', ...session.tally.counters() });
          await this.logs.info(session.scope, 'Sync cancelled: the connector was paused. Data synced so far is kept.', m);
        });
        return null;
      }
      const advice = syncFailureAdvice(error, current?.connector.subdomain ?? session.credentials.subdomain);
      if (!(error instanceof HelpdeskApiError)) this.logger.error({ err: error }, `sync run ${session.run.id} failed`);
      if (decision.action === 'continue-with-new-credentials') {
        session.status = SyncRunStatus.QUEUED;
        session.phase = 'waiting to resume';
        await this.runs.requeue(run, 0, advice.message, session.tally.counters());
        await this.logs.info(
          session.scope,
          "The connector's credentials changed during the sync; it continues with the new ones from where it stopped.",
        );
        await this.notify.notify(WAKEUP_CHANNEL, '').catch(() => undefined); // the scheduler's tick picks it up anyway
        return advice.code;
      }
      if (decision.action === 'retry') {
        session.status = SyncRunStatus.QUEUED;
        session.phase = 'waiting to retry';
        await this.runs.requeue(run, decision.delayMs, advice.message, session.tally.counters());
        const line = retryLine({
          advice: advice.message,
          attempt: session.run.attempts,
          maxAttempts: MAX_RUN_ATTEMPTS,
          delayMs: decision.delayMs,
          now: new Date(),
        });
        await this.logs.write(session.scope, line.level, line.message);
        return advice.code;
      }
      session.status = SyncRunStatus.FAILED;
      session.phase = 'failed';
      await this.dataSource.transaction(async (m) => {
        await this.runs.finish(m, run, SyncRunStatus.FAILED, {
          phase: 'failed',
          error: advice.message,
          errorCode: advice.code,
          ...session.tally.counters(),
        });
        const nextTryAt = await this.connectorStatus.recordSyncFailure(m, session.run, {
          message: advice.message,
          code: advice.code,
          needsUser: decision.needsUser,
          retryInMs: FAILED_RUN_RESCHEDULE_MS,
        });
        const line = gaveUpLine({
          advice: advice.message,
          attempt: session.run.attempts,
          maxAttempts: MAX_RUN_ATTEMPTS,
          needsUser: decision.needsUser,
          nextTryAt,
        });
        await this.logs.error(session.scope, line, m);
      });
      return advice.code;
    } catch (e) {
      if (!(e instanceof LeaseLostError)) this.logger.error({ err: e }, `sync run ${session.run.id}: could not record its failure`);
      return null;
    }
  }
}

function sameCredentials(a: HelpdeskCredentials, b: HelpdeskCredentials): boolean {
  return a.apiKey === b.apiKey && a.email === b.email && a.subdomain === b.subdomain;
}
