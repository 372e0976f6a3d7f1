import { Injectable, OnModuleInit } from '@nestjs/common';
import { RunContext, RunObserver, RunObserverRegistry, RunOutcome, RunProgress } from '../../sync/engine/run-observer';
import { SyncMetrics } from '../metrics/sync.metrics';

interface Seen {
  tickets: number;
  messages: number;
  deleted: number;
  at: number;
}

/** A run not heard from for this long was taken over by another instance: forget it. */
const FORGET_AFTER_MS = 60 * 60_000;

/**
 * The sync metrics, fed by every run on this instance: records as they are written (the growth of
 * the run's counters since this instance took it), runs and their duration when they end.
 */
@Injectable()
export class SyncMetricsObserver implements RunObserver, OnModuleInit {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly registry: RunObserverRegistry,
    private readonly metrics: SyncMetrics,
  ) {}

  onModuleInit(): void {
    this.registry.register(this);
  }

  onProgress(ctx: RunContext, p: RunProgress): void {
    this.advance(ctx, { tickets: p.ticketsSynced, messages: p.messagesSynced, deleted: p.ticketsDeleted });
  }

  onFinished(ctx: RunContext, outcome: RunOutcome): void {
    this.advance(ctx, { tickets: outcome.ticketsSynced, messages: outcome.messagesSynced, deleted: outcome.ticketsDeleted });
    this.seen.delete(ctx.runId);
    this.metrics.runFinished({ mode: ctx.mode, status: outcome.status, durationSeconds: outcome.durationMs / 1000 });
  }

  /** The first report of a run on this instance is its starting point (what earlier attempts wrote). */
  private advance(ctx: RunContext, now: Omit<Seen, 'at'>): void {
    const at = Date.now();
    const before = this.seen.get(ctx.runId);
    this.seen.set(ctx.runId, { ...now, at });
    if (before) {
      this.metrics.recordsWritten(ctx.mode, {
        tickets: Math.max(0, now.tickets - before.tickets),
        messages: Math.max(0, now.messages - before.messages),
        ticketsDeleted: Math.max(0, now.deleted - before.deleted),
      });
    }
    for (const [runId, s] of this.seen) if (at - s.at > FORGET_AFTER_MS) this.seen.delete(runId);
  }
}
