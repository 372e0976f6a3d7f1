import { DataSource, EntityManager } from 'typeorm';
import { SyncVerificationRepository } from '../repositories/sync-verification.repository';
import { SyncQuarantineRepository } from '../repositories/sync-quarantine.repository';
import { RunContext, RunObserverRegistry } from '../engine/run-observer';
import { PageChangeSet } from '../engine/session/page-changes';
import { HelpdeskSource } from '../engine/source/helpdesk-source';
import { SyncMode } from '../sync-run.types';
import { CallSpacer } from './call-spacer';
import {
  REPORT_LIMIT,
  VerificationCheckpoint,
  VerificationCounts,
  VerificationDifference,
  VerificationQuarantined,
  VerificationReport,
  VerificationRow,
} from './verification.types';

/** What a job needs from the module's services. */
export interface VerificationServices {
  dataSource: DataSource;
  verifications: SyncVerificationRepository;
  quarantine: SyncQuarantineRepository;
  observers: RunObserverRegistry;
  leaseSeconds: number;
}

/** Thrown after a page whose checkpoint found a cancel asked for: the verification ends CANCELLED. */
export class VerificationCancelled extends Error {
  constructor() {
    super('verification cancelled');
  }
}

/** What one page found and did, added to the job's counts when the page commits. */
export type PageFindings = Partial<VerificationCounts> & {
  differences?: VerificationDifference[];
  /** The quarantined records met (their count is `quarantined`). */
  quarantinedRecords?: VerificationQuarantined[];
};

/**
 * One claimed verification while this instance executes it: its counts, report and checkpoint, its
 * source (paced by the spacer), and the page transaction every write goes through: repairs, the
 * fenced checkpoint and the change feed's entry (the observers' onPageCommitted, as for a sync page)
 * commit together or not at all. Counts move only once the page committed, so a page retried after a
 * lost transaction, or a crash, never counts twice.
 */
export class VerificationJob {
  readonly scope: { tenantId: string; connectorId: string };
  /** For the observers (the change feed): a repair is reported like a sync page of this connector. */
  readonly ctx: RunContext;
  counts: VerificationCounts;
  report: VerificationReport;
  checkpoint: VerificationCheckpoint;
  private readonly requestsBefore: number;

  constructor(
    readonly row: VerificationRow,
    readonly token: string,
    readonly source: HelpdeskSource,
    private readonly spacer: CallSpacer,
    readonly services: VerificationServices,
  ) {
    this.scope = { tenantId: row.tenantId, connectorId: row.connectorId };
    this.ctx = { ...this.scope, runId: row.id, mode: SyncMode.REFRESH, trigger: `VERIFY_${row.trigger}` };
    this.counts = {
      ticketsChecked: row.ticketsChecked,
      ticketsMissing: row.ticketsMissing,
      ticketsStale: row.ticketsStale,
      ticketsExtra: row.ticketsExtra,
      messagesChecked: row.messagesChecked,
      messagesMissing: row.messagesMissing,
      messagesStale: row.messagesStale,
      quarantined: row.quarantined,
      repaired: row.repaired,
      apiRequests: row.apiRequests,
    };
    this.report = { differences: [...(row.report?.differences ?? [])], quarantined: [...(row.report?.quarantined ?? [])] };
    this.checkpoint = { ...(row.checkpoint ?? {}) };
    this.requestsBefore = row.apiRequests;
  }

  get claim() {
    return { id: this.row.id, token: this.token, leaseSeconds: this.services.leaseSeconds };
  }

  /** Waits for the next call's turn within the verification's share of the budget. */
  nextCall(): Promise<void> {
    return this.spacer.next();
  }

  /** Calls made so far, over every claim of this verification (a resumed one adds to what was saved). */
  apiRequests(): number {
    return this.requestsBefore + this.source.stats.requests;
  }

  /**
   * One page: `write` repairs (when asked) in the page's transaction and says what it found; then the
   * checkpoint, counts and report are saved, fenced by the lease, and the feed hears the changes.
   */
  async page(
    phase: string,
    next: VerificationCheckpoint,
    write: (tx: EntityManager, changes: PageChangeSet) => Promise<PageFindings>,
  ): Promise<void> {
    let cancel = false;
    let after: { counts: VerificationCounts; report: VerificationReport } | null = null;
    await this.services.dataSource.transaction(async (tx) => {
      const changes = new PageChangeSet();
      const found = await write(tx, changes);
      after = this.add(found);
      const saved = await this.services.verifications.checkpoint(tx, this.claim, phase, next, after.counts, after.report);
      cancel = saved.cancelRequested;
      await this.services.observers.pageCommitted(tx, this.ctx, changes.toPageChanges());
    });
    this.counts = after!.counts;
    this.report = after!.report;
    this.checkpoint = next;
    if (cancel) throw new VerificationCancelled();
  }

  /** The counts and report with a page's findings added (the report keeps the first REPORT_LIMIT of each list). */
  private add(found: PageFindings): { counts: VerificationCounts; report: VerificationReport } {
    const counts = { ...this.counts, apiRequests: this.apiRequests() };
    for (const key of Object.keys(counts) as (keyof VerificationCounts)[]) {
      if (key !== 'apiRequests') counts[key] += found[key] ?? 0;
    }
    const report = {
      differences: [...this.report.differences, ...(found.differences ?? [])].slice(0, REPORT_LIMIT),
      quarantined: [...this.report.quarantined, ...(found.quarantinedRecords ?? [])].slice(0, REPORT_LIMIT),
    };
    return { counts, report };
  }
}
