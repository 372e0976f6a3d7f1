import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';

/**
 * A housekeeping job that runs every `intervalMs` on each instance whose scheduler is on, registered
 * with Nest's SchedulerRegistry (so it is listed and stopped with the app). The job itself must be safe
 * to run on several instances at once: coordination lives in PostgreSQL, not here.
 */
export abstract class IntervalJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected constructor(
    private readonly registry: SchedulerRegistry,
    private readonly job: { name: string; intervalMs: number; enabled: boolean },
  ) {}

  /** One pass of the job; it logs and swallows its own errors (the next interval tries again). */
  protected abstract runOnce(): Promise<unknown>;

  onApplicationBootstrap(): void {
    if (!this.job.enabled) return;
    this.registry.addInterval(
      this.job.name,
      setInterval(() => void this.runOnce(), this.job.intervalMs),
    );
  }

  beforeApplicationShutdown(): void {
    if (this.registry.doesExist('interval', this.job.name)) this.registry.deleteInterval(this.job.name);
  }
}
