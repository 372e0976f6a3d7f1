import { DataSource, EntityManager } from 'typeorm';
import { GorgiasClient } from '../../../gorgias/gorgias-client';
import { GorgiasCredentials } from '../../../gorgias/gorgias.types';
import { inSyncWriteSpan, SyncSpanScope } from '../../../observability/tracing/sync-page.span';
import { SyncCursorRepository } from '../../repositories/sync-cursor.repository';
import { QuarantinedObjectType, SyncQuarantineRepository } from '../../repositories/sync-quarantine.repository';
import { SyncRunRepository } from '../../repositories/sync-run.repository';
import { RunCounters, SyncRunRow } from '../../repositories/sync-run.row';
import { SyncLogScope, SyncLogService } from '../../sync-log.service';
import { SyncCheckpoint, SyncRunStatus, SyncStage } from '../../sync-run.types';
import { dataErrorReason, isDataError, sqlState } from '../outcome/failure-class';
import { PageChangeSet } from './page-changes';
import { RunContext, RunObserverRegistry, RunProgress } from '../run-observer';
import { advanceCheckpoint, watermarkCap } from '../stage-plan';
import { RunCancelled } from '../outcome/sync-failure.policy';

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

/** A page whose items are stored together, or one by one when the database refuses the page. */
export interface ItemPage<T> {
  items: T[];
  /** Stores `items` (the whole page, or one item when falling back). */
  store: (tx: EntityManager, items: T[], changes: PageChangeSet) => Promise<void>;
  /** What else the page commits once its items are stored (checkpoint moves, watermarks). */
  then?: (tx: EntityManager, changes: PageChangeSet) => Promise<void>;
  /** Names an item for the quarantine and the log. */
  identify: (item: T) => { type: QuarantinedObjectType; id: number | string };
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
  /** Rows changed (inserted or updated); a record read again unchanged is only counted as read. */
  ticketsSynced: number;
  messagesSynced: number;
  /** Records read from Gorgias, changed or not (progress estimates are made from these). */
  ticketsRead: number;
  messagesRead: number;
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
    /** The fencing token of the claim this execution holds (every write names it). */
    readonly claimToken: string,
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
    this.ticketsRead = run.ticketsRead ?? 0;
    this.messagesRead = run.messagesRead ?? 0;
    this.ticketsDeleted = run.ticketsDeleted;
    this.ticketsTotal = run.ticketsTotal;
    this.percent = run.percent ?? 0;
    this.baseRequests = run.apiRequests;
    this.baseWaits = run.rateLimitWaits;
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
    await inSyncWriteSpan(this.spanScope(), () =>
      this.services.dataSource.transaction(async (tx) => {
        const changes = new PageChangeSet();
        await write(tx, changes);
        await this.saveCheckpoint(tx);
        await this.services.observers.pageCommitted(tx, this.ctx, changes.toPageChanges());
      }),
    );
  }

  /** What the spans of this run's pages say (tracing). */
  spanScope(): SyncSpanScope {
    return { connectorId: this.run.connectorId, runId: this.run.id, mode: this.run.mode, stage: this.checkpoint.stage ?? 'start' };
  }

  /** Moves the checkpoint to the start of `next` (saved with the page that calls it). */
  /**
   * A page of items in one transaction. When PostgreSQL refuses the page for a data reason (a value
   * it will refuse again whatever we retry), the page is stored again item by item in one
   * transaction, each behind a savepoint: every good item is stored, each refused one is quarantined
   * and named at WARN in the sync log, and the checkpoint moves past the page as usual.
   */
  async itemPage<T>(p: ItemPage<T>): Promise<{ quarantined: number }> {
    const saved = this.snapshot();
    try {
      await this.page(async (tx, changes) => {
        if (p.items.length) await p.store(tx, p.items, changes);
        await p.then?.(tx, changes);
      });
      return { quarantined: 0 };
    } catch (e) {
      if (!isDataError(e) || p.items.length === 0) throw e;
      this.restore(saved);
    }
    let quarantined = 0;
    await this.page(async (tx, changes) => {
      quarantined = 0; // a retried transaction starts over
      for (const item of p.items) {
        await tx.query('SAVEPOINT sync_item');
        try {
          await p.store(tx, [item], changes);
          await tx.query('RELEASE SAVEPOINT sync_item');
        } catch (e) {
          if (!isDataError(e)) throw e;
          await tx.query('ROLLBACK TO SAVEPOINT sync_item');
          await this.quarantine(tx, p.identify(item), e);
          quarantined++;
        }
      }
      await p.then?.(tx, changes);
    });
    return { quarantined };
  }

  /** Skips one record the database refused: quarantined and named in the log, in the page's transaction. */
  async quarantine(tx: EntityManager, what: { type: QuarantinedObjectType; id: number | string }, error: unknown): Promise<void> {
    const reason = dataErrorReason(error);
    await this.services.quarantine.record(tx, {
      tenantId: this.scope.tenantId,
      connectorId: this.scope.connectorId,
      runId: this.run.id,
      objectType: what.type,
      externalId: what.id,
      reason,
      sqlstate: sqlState(error) ?? null,
    });
    await this.logs.warn(
      this.scope,
      `Gorgias ${what.type} ${what.id} could not be stored and was skipped (quarantined): ${reason}. The rest of its page was stored; it is read again when it changes in Gorgias or by a FULL sync.`,
      tx,
    );
  }

  /** Counters and checkpoint as they were, to undo what a rolled-back page attempt changed in memory. */
  private snapshot(): { checkpoint: SyncCheckpoint; copy: SyncCheckpoint; counts: number[] } {
    return {
      checkpoint: this.checkpoint,
      copy: structuredClone(this.checkpoint),
      counts: [this.ticketsSynced, this.messagesSynced, this.ticketsDeleted, this.ticketsRead, this.messagesRead],
    };
  }

  private restore(s: ReturnType<RunSession['snapshot']>): void {
    // Stages hold a reference to the checkpoint object: it is restored in place.
    for (const k of Object.keys(s.checkpoint)) delete (s.checkpoint as Record<string, unknown>)[k];
    Object.assign(s.checkpoint, s.copy);
    this.checkpoint = s.checkpoint;
    [this.ticketsSynced, this.messagesSynced, this.ticketsDeleted, this.ticketsRead, this.messagesRead] = s.counts;
  }

  advance(next: SyncStage): void {
    this.checkpoint = advanceCheckpoint(this.checkpoint, next);
  }

  async saveCheckpoint(tx: EntityManager): Promise<void> {
    const { connectorStatus } = await this.services.runs.checkpoint(
      tx,
      { id: this.run.id, token: this.claimToken, leaseSeconds: this.services.leaseSeconds },
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
      ticketsRead: this.ticketsRead,
      messagesRead: this.messagesRead,
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
      ticketsDeleted: this.ticketsDeleted,
      ticketsTotal: this.ticketsTotal,
      percent: Math.round(this.percent * 10) / 10,
    };
  }

  /** Tells the observers where the run is (progress bar). */
  publish(): Promise<void> {
    return this.services.observers.progress(this.ctx, this.progress());
  }
}
