import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { SyncMode, SyncRunStatus, SyncStage } from '../sync-run.types';

/** Which run an observer hears about. */
export interface RunContext {
  tenantId: string;
  connectorId: string;
  runId: string;
  mode: SyncMode;
  /** What started the run: SCHEDULE, MANUAL, ACTIVATE. */
  trigger: string;
}

/** What one page's transaction changed, as reported by the ticket-write repository (RETURNING). */
export interface PageChanges {
  /**
   * Gorgias ticket ids (bigint as decimal string) whose API-visible state changed in this transaction:
   * ticket inserted/updated (a re-read of the same version is NOT a change), trashed/restored, deleted,
   * or one of its messages added/changed/moved/deleted.
   */
  ticketExternalIds: string[];
  /** Items written in the transaction, changed or not (a run counts those of its list walks). */
  ticketsUpserted: number;
  messagesUpserted: number;
  /** Tickets that went from live to deleted. */
  ticketsDeleted: number;
}

/** Where a run is, as the portal's progress bar shows it. */
export interface RunProgress {
  status: SyncRunStatus;
  phase: string;
  ticketsSynced: number;
  messagesSynced: number;
  ticketsDeleted: number;
  ticketsTotal: number | null;
  /** 0 to 100, one decimal. */
  percent: number;
}

/** How a run ended on this instance (QUEUED: handed back to retry or to continue with new credentials). */
export interface RunOutcome {
  status: SyncRunStatus;
  ticketsSynced: number;
  messagesSynced: number;
  ticketsDeleted: number;
  apiRequests: number;
  rateLimitWaits: number;
  durationMs: number;
  /** The advice code of a failure (e.g. INVALID_CREDENTIALS, UNREACHABLE); null otherwise. */
  errorCode: string | null;
}

/** Plugs into every run without editing the executor (progress, metrics, the change feed). */
export interface RunObserver {
  /** Runs inside the page's transaction, before COMMIT: write with `tx` so it commits or rolls back with the page. */
  onPageCommitted?(tx: EntityManager, ctx: RunContext, changes: PageChanges): Promise<void>;
  onStageDone?(ctx: RunContext, stage: SyncStage): Promise<void> | void;
  /** At least every PROGRESS_INTERVAL_MS while the run is active, after every page and at the end. */
  onProgress?(ctx: RunContext, progress: RunProgress): Promise<void> | void;
  /** Not called when the run's lease was lost: the instance that holds it now reports its end. */
  onFinished?(ctx: RunContext, outcome: RunOutcome): Promise<void> | void;
}

/**
 * The observers of every run on this instance. Modules add theirs with `registry.register(this)`
 * in onModuleInit. A failing onPageCommitted rolls its page back (what it records must commit with
 * the page); a failing onStageDone/onProgress/onFinished is logged and the run goes on.
 */
@Injectable()
export class RunObserverRegistry {
  private readonly logger = new Logger(RunObserverRegistry.name);
  private readonly observers: RunObserver[] = [];

  register(observer: RunObserver): void {
    this.observers.push(observer);
  }

  async pageCommitted(tx: EntityManager, ctx: RunContext, changes: PageChanges): Promise<void> {
    for (const o of this.observers) await o.onPageCommitted?.(tx, ctx, changes);
  }

  stageDone(ctx: RunContext, stage: SyncStage): Promise<void> {
    return this.each('onStageDone', (o) => o.onStageDone?.(ctx, stage));
  }

  progress(ctx: RunContext, progress: RunProgress): Promise<void> {
    return this.each('onProgress', (o) => o.onProgress?.(ctx, progress));
  }

  finished(ctx: RunContext, outcome: RunOutcome): Promise<void> {
    return this.each('onFinished', (o) => o.onFinished?.(ctx, outcome));
  }

  private async each(hook: string, call: (o: RunObserver) => Promise<void> | void): Promise<void> {
    for (const o of this.observers) {
      try {
        await call(o);
      } catch (e) {
        this.logger.warn(`run observer ${o.constructor.name}.${hook} failed: ${(e as Error).message}`);
      }
    }
  }
}
