import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { appConfig, AppConfig } from '../../config/app.config';
import { SyncRunExecutor } from '../engine/sync-run.executor';
import { SyncSignals } from '../signals/sync-signals';
import { SyncRunRepository } from '../repositories/sync-run.repository';
import { SyncRunRow } from '../repositories/sync-run.row';
import { REFRESH_BATCH_MAX_TICKETS, REFRESH_COALESCE_MS } from '../engine/refresh/refresh.constants';
import { ABANDONED_RUN_MESSAGE } from '../engine/outcome/sync-failure.policy';
import { REFRESH_WAKEUP_PAYLOAD } from '../intake/intake.constants';
import { TicketRefreshRequestRepository } from '../repositories/ticket-refresh-request.repository';
import { MAX_CLAIM_ATTEMPTS, SHORT_RUN_SLOTS } from '../sync.constants';
import { ClaimLoop } from './claim-loop';

const TICK_JOB = 'sync-scheduler-tick';

/**
 * The cron side of the sync: each tick only enqueues due connectors (and connectors whose webhooks
 * asked for a refresh) and claims runs, oldest due first (queued ones, and running ones whose lease
 * expired because their instance died). Executing a run is SyncRunExecutor's job. Everything that
 * coordinates instances is in PostgreSQL.
 *
 * At most SYNC_MAX_CONCURRENT_RUNS runs at once per instance, of which initial and FULL runs
 * (hours on a large account) never take the last SHORT_RUN_SLOTS: polls and webhook refreshes of
 * other connectors always find room, however many large initial syncs are under way.
 */
@Injectable()
export class SyncScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SyncScheduler.name);
  /** This instance's id (lease_owner: runs handed back at shutdown); writes are fenced by each claim's own token. */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly loop = new ClaimLoop<SyncRunRow>(this.logger, {
    what: 'sync run',
    pass: () => this.pass(),
    execute: (run) => this.executor.execute(run),
    bindings: (run) => ({ connectorId: run.connectorId, runId: run.id }),
  });
  /** Which of the runs this instance executes are initial or FULL. */
  private readonly long = new Set<string>();
  private refreshTimer: NodeJS.Timeout | null = null;
  private deferredTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly runs: SyncRunRepository,
    private readonly refreshes: TicketRefreshRequestRepository,
    private readonly executor: SyncRunExecutor,
    private readonly bus: SyncSignals,
    private readonly registry: SchedulerRegistry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    const interval = setInterval(() => void this.tick(), this.config.sync.tickSeconds * 1000);
    this.registry.addInterval(TICK_JOB, interval);
    this.bus.onWakeUp((payload) => (payload === REFRESH_WAKEUP_PAYLOAD ? this.tickAfterCoalescing() : void this.tick()));
    void this.tick();
  }

  /** Before the database closes: stop claiming, and hand running runs back so another instance resumes them now. */
  async beforeApplicationShutdown(): Promise<void> {
    this.loop.stop();
    if (this.registry.doesExist('interval', TICK_JOB)) this.registry.deleteInterval(TICK_JOB);
    if (!this.loop.size) return;
    try {
      const released = await this.runs.releaseOwned(this.owner);
      if (released) {
        this.logger.log(`shutting down: handed ${released} running sync(s) back to the queue`);
        await this.bus.wakeUp();
      }
    } catch (e) {
      // Then their leases expire and another instance takes them over all the same.
      this.logger.warn(`could not hand running syncs back: ${(e as Error).message}`);
    }
    // In-flight pages stop at their next checkpoint (their lease is gone); give them a moment.
    await this.loop.settle(2000);
  }

  onApplicationShutdown(): void {
    this.loop.stop();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    if (this.registry.doesExist('interval', TICK_JOB)) this.registry.deleteInterval(TICK_JOB);
  }

  tick(): Promise<void> {
    return this.loop.tick();
  }

  /** One pass: enqueue what is due, claim what this instance has room for, start it. */
  private async pass(): Promise<void> {
    await this.runs.failAbandoned(MAX_CLAIM_ATTEMPTS, ABANDONED_RUN_MESSAGE);
    await this.runs.enqueueDue();
    await this.refreshes.enqueueRuns(REFRESH_COALESCE_MS, REFRESH_BATCH_MAX_TICKETS, this.config.webhooks.refreshCallsPerMinute);
    this.tickWhenDue(await this.refreshes.nextDueAt(REFRESH_COALESCE_MS));
    const cap = this.config.sync.maxConcurrentRuns;
    const lease = this.config.sync.leaseSeconds;
    // A run this instance still executes (stalled past its lease) is never claimed by it again.
    const executing = this.loop.executing;
    const shortRuns = await this.runs.claim(this.owner, cap - this.loop.size, lease, MAX_CLAIM_ATTEMPTS, executing, 'short');
    const longRoom = Math.min(cap - this.loop.size - shortRuns.length, Math.max(1, cap - SHORT_RUN_SLOTS) - this.long.size);
    const longRuns = await this.runs.claim(this.owner, longRoom, lease, MAX_CLAIM_ATTEMPTS, executing, 'long');
    for (const run of shortRuns) this.loop.start(run);
    for (const run of longRuns) {
      this.long.add(run.id);
      this.loop.start(run, () => this.long.delete(run.id));
    }
  }

  /** A webhook was recorded: its run is due once the burst it belongs to had time to arrive. */
  private tickAfterCoalescing(): void {
    if (this.refreshTimer || this.loop.isStopped) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      void this.tick();
    }, REFRESH_COALESCE_MS + 20);
  }

  /**
   * Requests due a little later (an id re-read seconds ago waits REFRESH_REREAD_DEFER_MS): tick when
   * they are, rather than at the next interval tick.
   */
  private tickWhenDue(dueAt: Date | null): void {
    if (!dueAt || this.loop.isStopped) return;
    const ms = Math.max(0, new Date(dueAt).getTime() - Date.now()) + REFRESH_COALESCE_MS + 20;
    if (ms >= this.config.sync.tickSeconds * 1000) return; // the interval tick comes first
    if (this.deferredTimer) clearTimeout(this.deferredTimer);
    this.deferredTimer = setTimeout(() => {
      this.deferredTimer = null;
      void this.tick();
    }, ms);
  }

  /** For tests and shutdown: the runs this instance is executing. */
  get runningRunIds(): string[] {
    return this.loop.executing;
  }

  idle(): Promise<void> {
    return this.loop.idle();
  }
}
