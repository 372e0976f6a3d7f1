/** The vocabulary of verifications, shared by the API, the scheduler, the walk and the repository. */

export enum VerificationStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

/** Which list a verification walks: tickets first, then messages. */
export type VerificationStage = 'tickets' | 'messages' | 'done';

/** Where a verification is, durable after every page: a verification claimed again continues from here. */
export interface VerificationCheckpoint {
  stage?: VerificationStage;
  /** The Gorgias cursor of the next page of the current list (absent: its first page). */
  cursor?: string | null;
  /**
   * Tickets: the lowest created_datetime of the pages compared so far, and the ids listed at that instant,
   * so that "extra" (here, not in Gorgias) is judged per slice of creation time without holding every id.
   */
  ticketsBelow?: string | null;
  idsAtBelow?: string[];
}

/** What a verification found: stored as columns, shown by the API. */
export interface VerificationCounts {
  ticketsChecked: number;
  ticketsMissing: number;
  ticketsStale: number;
  ticketsExtra: number;
  messagesChecked: number;
  messagesMissing: number;
  messagesStale: number;
  quarantined: number;
  repaired: number;
  apiRequests: number;
}

export const ZERO_COUNTS: VerificationCounts = {
  ticketsChecked: 0,
  ticketsMissing: 0,
  ticketsStale: 0,
  ticketsExtra: 0,
  messagesChecked: 0,
  messagesMissing: 0,
  messagesStale: 0,
  quarantined: 0,
  repaired: 0,
  apiRequests: 0,
};

/** One differing row of the report: which record, how it differs, and which fields. */
export interface VerificationDifference {
  object: 'ticket' | 'message';
  externalId: string;
  kind: 'missing' | 'stale' | 'extra';
  fields: string[];
}

/** A record Gorgias has that a sync could not store (PostgreSQL refused it), with the reason. */
export interface VerificationQuarantined {
  object: 'ticket' | 'message';
  externalId: string;
  reason: string;
}

/** The kept report: the first REPORT_LIMIT differences and quarantined records. */
export interface VerificationReport {
  differences: VerificationDifference[];
  quarantined: VerificationQuarantined[];
}

/** Differences and quarantined records a report keeps (the counts count them all). */
export const REPORT_LIMIT = 100;

/** A row of `sync_verifications` as the scheduler, the walk and the API read it. */
export interface VerificationRow extends VerificationCounts {
  id: string;
  tenantId: string;
  connectorId: string;
  status: VerificationStatus;
  trigger: string;
  repair: boolean;
  from: Date | null;
  to: Date | null;
  phase: string;
  checkpoint: VerificationCheckpoint;
  report: VerificationReport;
  error: string | null;
  attempts: number;
  leaseToken: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** Counts that are differences (what the alert and the "0 differences" check sum). */
export function differencesOf(c: VerificationCounts): number {
  return c.ticketsMissing + c.ticketsStale + c.ticketsExtra + c.messagesMissing + c.messagesStale;
}
