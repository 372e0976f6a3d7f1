import { DataSource, EntityManager } from 'typeorm';
import { inSyncWriteSpan, SyncSpanScope } from '../../../observability/tracing/sync-page.span';
import { SyncCursorRepository } from '../../repositories/sync-cursor.repository';
import { SyncQuarantineRepository } from '../../repositories/sync-quarantine.repository';
import { SyncRunRepository } from '../../repositories/sync-run.repository';
import { SyncRunRow } from '../../repositories/sync-run.row';
import { SyncLogScope, SyncLogService } from '../../sync-log.service';
import { SyncCheckpoint, SyncRunStatus, SyncStage } from '../../sync-run.types';
import { RunCancelled } from '../outcome/sync-failure.policy';
import { RunContext, RunObserverRegistry } from '../run-observer';
import { HelpdeskCredentials, HelpdeskSource } from '../source/helpdesk-source';
import { advanceCheckpoint, watermarkCap } from '../stage-plan';
import { ItemPage, storeItemPage } from './item-page';
import { PageChangeSet } from './page-changes';
import { RunTally } from './run-tally';

/** What a session needs from the engine's services (one set per executor). */
export interface RunServices {
  dataSource: DataSource;
  runs: SyncRunRepository;
  cursors: SyncCursorRepository;
  logs: SyncLogService;
  observers: RunObserverRegistry;
  quarantine: SyncQuarantineRepository;
  leaseSeconds: number;
}

/**
 * One claimed run while this instance executes it: its tally and checkpoint, its helpdesk source,
 * and the page transaction every stage writes through (rows, checkpoint fenced by the lease, and the
 * observers' onPageCommitted, all committed together).
 */
export class RunSession {
  readonly ctx: RunContext;
  readonly scope: SyncLogScope & { tenantId: string; connectorId: string };
  readonly startedAtMs = Date.now();
  /** What the run has done: counted here once; stored counters, progress and outcome derive from it. */
  readonly tally: RunTally;
  checkpoint: SyncCheckpoint;
  phase: string;
  status = SyncRunStatus.RUNNING;
  /**
   * Tags (ids) the tickets stored by this run gained and lost, by ticket (committed pages only): what a
   * tag event without data added or removed (the events stage). Lost with the process: a run resumed after
   * a crash stores those tag events without their tags.
   */
  readonly tagChanges = new Map<string, { added: Set<string>; removed: Set<string> }>();
  /** The run was taken over (or handed back at shutdown): this instance no longer speaks for it. */
  leaseLost = false;

  constructor(
    readonly run: SyncRunRow,
    /** The fencing token of the claim this execution holds (every write names it). */
    readonly claimToken: string,
    readonly source: HelpdeskSource,
    /** What the run authenticates with (the connector's, when the run started). */
    readonly credentials: HelpdeskCredentials,
    readonly services: RunServices,
  ) {
    this.ctx = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id, mode: run.mode, trigger: run.trigger };
    this.scope = { tenantId: run.tenantId, connectorId: run.connectorId, runId: run.id };
    this.checkpoint = run.checkpoint ?? {};
    this.phase = run.phase;
    this.tally = new RunTally(run, () => source.stats);
  }

  /** The latest a watermark written by this run may be (see stage-plan.ts watermarkCap). */
  get watermarkCap(): Date {
    return watermarkCap(this.run.startedAt ?? new Date(this.startedAtMs));
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
    let committed: PageChangeSet | undefined;
    await inSyncWriteSpan(this.spanScope(), () =>
      this.services.dataSource.transaction(async (tx) => {
        const changes = new PageChangeSet();
        await write(tx, changes);
        await this.saveCheckpoint(tx);
        await this.services.observers.pageCommitted(tx, this.ctx, changes.toPageChanges());
        committed = changes;
      }),
    );
    for (const c of committed?.tagChanges ?? []) {
      const seen = this.tagChanges.get(c.ticketExternalId) ?? { added: new Set<string>(), removed: new Set<string>() };
      c.added.forEach((id) => (seen.removed.delete(id), seen.added.add(id)));
      c.removed.forEach((id) => (seen.added.delete(id), seen.removed.add(id)));
      this.tagChanges.set(c.ticketExternalId, seen);
    }
  }

  /** A page of items, stored one by one (refused ones quarantined) when the database refuses the page: item-page.ts. */
  itemPage<T>(p: ItemPage<T>): Promise<{ quarantined: number }> {
    return storeItemPage(this, p);
  }

  /** What the spans of this run's pages say (tracing). */
  spanScope(): SyncSpanScope {
    return { connectorId: this.run.connectorId, runId: this.run.id, mode: this.run.mode, stage: this.checkpoint.stage ?? 'start' };
  }

  /** Tally and checkpoint as they were, to undo what a rolled-back page attempt changed in memory. */
  snapshot(): { checkpoint: SyncCheckpoint; copy: SyncCheckpoint; counts: number[] } {
    return { checkpoint: this.checkpoint, copy: structuredClone(this.checkpoint), counts: this.tally.snapshot() };
  }

  restore(s: ReturnType<RunSession['snapshot']>): void {
    // Stages hold a reference to the checkpoint object: it is restored in place.
    for (const k of Object.keys(s.checkpoint)) delete (s.checkpoint as Record<string, unknown>)[k];
    Object.assign(s.checkpoint, s.copy);
    this.checkpoint = s.checkpoint;
    this.tally.restore(s.counts);
  }

  /** Moves the checkpoint to the start of `next` (saved with the page that calls it). */
  advance(next: SyncStage): void {
    this.checkpoint = advanceCheckpoint(this.checkpoint, next);
  }

  async saveCheckpoint(tx: EntityManager): Promise<void> {
    const { connectorStatus } = await this.services.runs.checkpoint(
      tx,
      { id: this.run.id, token: this.claimToken, leaseSeconds: this.services.leaseSeconds },
      this.phase,
      this.checkpoint,
      this.tally.counters(),
    );
    if (connectorStatus === 'PAUSED') throw new RunCancelled();
  }

  /** Tells the observers where the run is (progress bar). */
  publish(): Promise<void> {
    return this.services.observers.progress(this.ctx, this.tally.progress(this.status, this.phase));
  }
}
