import { RunCounters, SyncRunRow } from '../../repositories/sync-run.row';
import { SyncRunStatus } from '../../sync-run.types';
import type { RunOutcome, RunProgress } from '../run-observer';
import type { CallCount } from '../source/helpdesk-source';

/** Every counter a run stores: RunCounters with nothing left out. */
export type RunTotals = Required<Omit<RunCounters, 'ticketsTotal'>> & { ticketsTotal: number | null };

const NO_CALLS: CallCount = { requests: 0, rateLimitWaits: 0 };

/**
 * What a run has done, counted once. The stored counters (sync_runs), the progress bar and the
 * observers' outcome are views of it, so they cannot drift apart: before, each was a hand-made copy,
 * and a counter added to one was easily forgotten in another. A run taken up again starts from what
 * its row holds; the calls are the source's of this instance on top of the row's.
 */
export class RunTally {
  /** Rows changed (inserted or updated); a record read again unchanged is only counted as read. */
  ticketsSynced: number;
  messagesSynced: number;
  /** Records read from the helpdesk, changed or not (progress estimates are made from these). */
  ticketsRead: number;
  messagesRead: number;
  ticketsDeleted: number;
  ticketsTotal: number | null;
  /** 0 to 100. */
  percent: number;

  constructor(
    private readonly run: SyncRunRow,
    private readonly calls: () => CallCount = () => NO_CALLS,
  ) {
    this.ticketsSynced = run.ticketsSynced;
    this.messagesSynced = run.messagesSynced;
    this.ticketsRead = run.ticketsRead ?? 0;
    this.messagesRead = run.messagesRead ?? 0;
    this.ticketsDeleted = run.ticketsDeleted;
    this.ticketsTotal = run.ticketsTotal;
    this.percent = run.percent ?? 0;
  }

  /** What sync_runs stores (checkpoint, requeue, finish). */
  counters(): RunTotals {
    const calls = this.calls();
    return {
      ticketsSynced: this.ticketsSynced,
      messagesSynced: this.messagesSynced,
      ticketsRead: this.ticketsRead,
      messagesRead: this.messagesRead,
      ticketsDeleted: this.ticketsDeleted,
      apiRequests: this.run.apiRequests + calls.requests,
      rateLimitWaits: this.run.rateLimitWaits + calls.rateLimitWaits,
      ticketsTotal: this.ticketsTotal,
      percent: Math.round(this.percent * 10) / 10,
    };
  }

  /** What the progress bar shows. */
  progress(status: SyncRunStatus, phase: string): RunProgress {
    const c = this.counters();
    return {
      status,
      phase,
      ticketsSynced: c.ticketsSynced,
      messagesSynced: c.messagesSynced,
      ticketsDeleted: c.ticketsDeleted,
      ticketsTotal: c.ticketsTotal,
      percent: c.percent,
    };
  }

  /** How the run ended on this instance, for the observers. */
  outcome(status: SyncRunStatus, durationMs: number, errorCode: string | null): RunOutcome {
    return { ...this.counters(), status, durationMs, errorCode };
  }

  /** The counts as they are, to undo what a rolled-back page attempt changed in memory. */
  snapshot(): number[] {
    return [this.ticketsSynced, this.messagesSynced, this.ticketsDeleted, this.ticketsRead, this.messagesRead];
  }

  restore(counts: number[]): void {
    [this.ticketsSynced, this.messagesSynced, this.ticketsDeleted, this.ticketsRead, this.messagesRead] = counts;
  }
}
