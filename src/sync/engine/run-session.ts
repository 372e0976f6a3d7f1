import { DataSource, EntityManager } from 'typeorm';
import { GorgiasClient } from '../../gorgias/gorgias-client';
import { GorgiasCredentials } from '../../gorgias/gorgias.types';
import { SyncCursorRepository } from '../repositories/sync-cursor.repository';
import { RunCounters, SyncRunRepository, SyncRunRow } from '../repositories/sync-run.repository';
import { SyncLogScope, SyncLogService } from '../sync-log.service';
import { SyncCheckpoint, SyncRunStatus, SyncStage } from '../sync-run.types';
import { PageChangeSet } from './page-changes';
import { RunContext, RunObserverRegistry, RunProgress } from './run-observer';
import { advanceCheckpoint } from './stage-plan';
import { RunCancelled } from './sync-failure.policy';

/** What a session needs from the engine's services (one set per executor). */
export interface RunServices {
  dataSource: DataSource;
  runs: SyncRunRepository;
  cursors: SyncCursorRepository;
  logs: SyncLogService;
  observers: RunObserverRegistry;
  leaseSeconds: number;
}

/**
 * One claimed run while this instance executes it: its counters and checkpoint, its Gorgias client,
 * and the page transaction every stage writes through (rows, checkpoint fenced by the lease, and the
 * observers' onPageCommitted, all committed together).
 */
export class RunSession {
  readonly ctx: RunContext;
  readonly scope: SyncLogScope & { tenantId: string; connectorId: string };
  readonly startedAtMs = Date.now();
  checkpoint: SyncCheckpoint;
  phase: string;
  ticketsSynced: number;
  messagesSynced: number;
  ticketsDeleted: number;
  ticketsTotal: number | null;
  percent: number;
  status = SyncRunStatus.RUNNING;
  /** The run was taken over (or handed back at shutdown): this instance no longer speaks for it. */
  leaseLost = false;
  private readonly baseRequests: number;
  private readonly baseWaits: number;

  constructor(
    readonly run: SyncRunRow,
    readonly owner: string,
    readonly client: GorgiasClient,
    /** What the run authenticates with (the connector's, when the run started). */
    readonly credentials: GorgiasCredentials,
    readonly services: RunServices,
  ) {
    this.ctx = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id, mode: run.mode, trigger: run.trigger };
    this.scope = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id };
    this.checkpoint = run.checkpoint ?? {};
    this.phase = run.phase;
    this.ticketsSynced = run.ticketsSynced;
    this.messagesSynced = run.messagesSynced;
    this.ticketsDeleted = run.ticketsDeleted;
    this.ticketsTotal = run.ticketsTotal;
    this.percent = run.percent ?? 0;
    this.baseRequests = run.apiRequests;
    this.baseWaits = run.rateLimitWaits;
  }

  get logs(): SyncLogService {
    return this.services.logs;
  }

  /**
   * One page transaction: `write` stores rows (recording what changed), then the checkpoint is saved
   * (fenced by the lease: a lost lease rolls the page back) and the observers see the changes (every
   * page, also one that only moves the checkpoint: then its changes are empty).
   */
  async page(write: (tx: EntityManager, changes: PageChangeSet) => Promise<void>): Promise<void> {
    await this.services.dataSource.transaction(async (tx) => {
      const changes = new PageChangeSet();
      await write(tx, changes);
      await this.saveCheckpoint(tx);
      await this.services.observers.pageCommitted(tx, this.ctx, changes.toPageChanges());
    });
  }

  /** Moves the checkpoint to the start of `next` (saved with the page that calls it). */
  advance(next: SyncStage): void {
    this.checkpoint = advanceCheckpoint(this.checkpoint, next);
  }

  async saveCheckpoint(tx: EntityManager): Promise<void> {
    const { connectorStatus } = await this.services.runs.checkpoint(
      tx,
      { id: this.run.id, owner: this.owner, leaseSeconds: this.services.leaseSeconds },
      this.phase,
      this.checkpoint,
      this.counters(),
    );
    if (connectorStatus === 'PAUSED') throw new RunCancelled();
  }

  counters(): Required<Omit<RunCounters, 'ticketsTotal'>> & { ticketsTotal: number | null } {
    return {
      ticketsSynced: this.ticketsSynced,
      messagesSynced: this.messagesSynced,
      ticketsDeleted: this.ticketsDeleted,
      apiRequests: this.baseRequests + this.client.stats.requests,
      rateLimitWaits: this.baseWaits + this.client.stats.rateLimitWaits,
      ticketsTotal: this.ticketsTotal,
      percent: Math.round(this.percent * 10) / 10,
    };
  }

  progress(): RunProgress {
    return {
      status: this.status,
      phase: this.phase,
      ticketsSynced: this.ticketsSynced,
      messagesSynced: this.messagesSynced,
      ticketsTotal: this.ticketsTotal,
      percent: Math.round(this.percent * 10) / 10,
    };
  }

  /** Tells the observers where the run is (progress bar). */
  publish(): Promise<void> {
    return this.services.observers.progress(this.ctx, this.progress());
  }
}
