import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { appConfig, AppConfig } from '../../config/app.config';
import { SyncVerificationRepository } from '../repositories/sync-verification.repository';
import { ClaimLoop } from '../scheduling/claim-loop';
import { MAX_CLAIM_ATTEMPTS } from '../sync.constants';
import { VerificationExecutor } from './verification.executor';
import { VerificationRow } from './verification.types';

const TICK_JOB = 'verification-scheduler-tick';
/** Verifications one instance executes at once (each is one call at a time, within its share of a budget). */
export const MAX_CONCURRENT_VERIFICATIONS = 2;
export const ABANDONED_VERIFICATION_MESSAGE = 'Every instance that took this verification stopped before it ended; start it again.';

/**
 * The cron side of verification, beside the sync scheduler: each tick only enqueues what the schedule
 * says is due (every VERIFY_EVERY_HOURS, the last VERIFY_WINDOW_DAYS of each ACTIVE connector that has
 * synced) and claims queued verifications, and those whose instance died (they resume from their
 * checkpoint). Executing one is VerificationExecutor's job. Runs where the sync scheduler runs.
 */
@Injectable()
export class VerificationScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(VerificationScheduler.name);
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}:verify`;
  private readonly loop = new ClaimLoop<VerificationRow>(this.logger, {
    what: 'verification',
    pass: () => this.pass(),
    execute: (row) => this.executor.execute(row),
    bindings: (row) => ({ connectorId: row.connectorId, verificationId: row.id }),
  });

  constructor(
    private readonly verifications: SyncVerificationRepository,
    private readonly executor: VerificationExecutor,
    private readonly registry: SchedulerRegistry,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.sync.schedulerEnabled) return;
    const interval = setInterval(() => void this.tick(), this.config.sync.tickSeconds * 1000);
    this.registry.addInterval(TICK_JOB, interval);
    void this.tick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.loop.stop();
    if (this.registry.doesExist('interval', TICK_JOB)) this.registry.deleteInterval(TICK_JOB);
    if (!this.loop.size) return;
    await this.verifications.releaseOwned(this.owner).catch((e) => this.logger.warn(`could not hand verifications back: ${e.message}`));
    await this.loop.settle(2000);
  }

  onApplicationShutdown(): void {
    this.loop.stop();
    if (this.registry.doesExist('interval', TICK_JOB)) this.registry.deleteInterval(TICK_JOB);
  }

  tick(): Promise<void> {
    return this.config.sync.schedulerEnabled ? this.loop.tick() : Promise.resolve();
  }

  /** One pass: enqueue what the schedule says is due, claim what this instance has room for, start it. */
  private async pass(): Promise<void> {
    await this.verifications.failAbandoned(MAX_CLAIM_ATTEMPTS, ABANDONED_VERIFICATION_MESSAGE);
    const { everyHours, windowDays } = this.config.verify;
    if (everyHours > 0) {
      await this.verifications.enqueueScheduled(await this.verifications.activeConnectors(), everyHours, windowDays);
    }
    const room = MAX_CONCURRENT_VERIFICATIONS - this.loop.size;
    const claimed = await this.verifications.claim(
      this.owner,
      room,
      this.config.sync.leaseSeconds,
      MAX_CLAIM_ATTEMPTS,
      this.loop.executing,
    );
    for (const row of claimed) this.loop.start(row);
  }

  /** For tests: until this instance executes no verification. */
  idle(): Promise<void> {
    return this.loop.idle();
  }
}
