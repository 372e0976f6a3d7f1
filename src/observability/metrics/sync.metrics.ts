import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from './metrics.registry';

export interface FinishedRun {
  mode: string;
  /** SUCCEEDED, FAILED, CANCELLED, or QUEUED when handed back to retry (label: requeued). */
  status: string;
  /** How long this instance executed it. */
  durationSeconds: number;
}

/** Sync runs by mode and outcome, their duration, and the records they wrote. */
@Injectable()
export class SyncMetrics {
  private readonly runs: Counter<'mode' | 'outcome'>;
  private readonly duration: Histogram<'mode' | 'outcome'>;
  private readonly records: Counter<'mode' | 'kind'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.runs = new Counter({
      name: `${METRIC_PREFIX}sync_runs_total`,
      help: 'Sync runs that ended on this instance, by mode (INCREMENTAL, FULL) and outcome (succeeded, failed, cancelled; requeued: handed back to retry).',
      labelNames: ['mode', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: `${METRIC_PREFIX}sync_run_duration_seconds`,
      help: 'Time this instance spent executing a run, from claiming it to its end, by mode and outcome.',
      labelNames: ['mode', 'outcome'],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
      registers,
    });
    this.records = new Counter({
      name: `${METRIC_PREFIX}sync_records_total`,
      help: 'Records written by sync runs: tickets and messages stored, tickets marked deleted.',
      labelNames: ['mode', 'kind'],
      registers,
    });
  }

  runFinished(run: FinishedRun): void {
    const outcome = run.status === 'QUEUED' ? 'requeued' : run.status.toLowerCase();
    this.runs.inc({ mode: run.mode, outcome });
    this.duration.observe({ mode: run.mode, outcome }, Math.max(0, run.durationSeconds));
  }

  recordsWritten(mode: string, counts: { tickets: number; messages: number; ticketsDeleted: number }): void {
    if (counts.tickets) this.records.inc({ mode, kind: 'tickets' }, counts.tickets);
    if (counts.messages) this.records.inc({ mode, kind: 'messages' }, counts.messages);
    if (counts.ticketsDeleted) this.records.inc({ mode, kind: 'tickets_deleted' }, counts.ticketsDeleted);
  }
}
