import { Injectable, OnModuleInit } from '@nestjs/common';
import { RunContext, RunObserver, RunObserverRegistry, RunProgress } from '../engine/run-observer';
import { SyncSignals } from './sync-signals';

/** A run observer that publishes every run's progress to all instances (syncProgress subscriptions). */
@Injectable()
export class ProgressPublisher implements RunObserver, OnModuleInit {
  constructor(
    private readonly registry: RunObserverRegistry,
    private readonly bus: SyncSignals,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  async onProgress(ctx: RunContext, progress: RunProgress): Promise<void> {
    await this.bus
      .publish({ connectorId: ctx.connectorId, tenantId: ctx.tenantId, runId: ctx.runId, ...progress, at: new Date().toISOString() })
      // Progress is advisory: the next update (at most a second later) or the stored run says the same.
      .catch(() => undefined);
  }
}
