/** The vocabulary of sync runs, shared by the API, the scheduler, the engine and the repositories. */

export enum SyncMode {
  INCREMENTAL = 'INCREMENTAL',
  FULL = 'FULL',
  /** Re-reads the tickets webhooks announced; never moves the watermarks (see engine/refresh). */
  REFRESH = 'REFRESH',
}

export enum SyncRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

export enum SyncLogLevel {
  INFO = 'INFO',
  WARN = 'WARN',
  ERROR = 'ERROR',
}

export type SyncStage = 'messages' | 'tickets' | 'reconcile' | 'events' | 'coverage' | 'sweep' | 'refresh' | 'done';

/**
 * The Gorgias lists a connector keeps a durable watermark for (`sync_cursors.stream`). Issue 24: `coverage`
 * (when users, teams and tags were last read whole), `surveys` (the newest survey seen), `survey_check` and
 * `custom_fields` (when the survey look and the definitions' re-read last ran: the coverage stage's schedule).
 */
export type SyncStream = 'tickets' | 'messages' | 'events' | 'coverage' | 'surveys' | 'survey_check' | 'custom_fields';

/** Where a run is, durable after every page: a restarted run continues from here. */
export interface SyncCheckpoint {
  stage?: SyncStage;
  /** Page cursor of the list being walked in `stage` (good within one run only). */
  cursor?: string | null;
  /** Coverage stage: the small list `cursor` belongs to (the stage reads several, one after another). */
  list?: string;
  /** Coverage stage: the small lists this run has read to the end; a run resumed in the stage skips them. */
  listsDone?: string[];
  /** Newest timestamp seen at the top of the walk: becomes the stream's watermark when it completes. */
  pendingWatermark?: string | null;
  /** The walk's lower bound: watermark minus the overlap (absent: read everything). */
  stopBefore?: string | null;
  /** Oldest timestamp of the stream, for the progress estimate. */
  oldest?: string | null;
  /** Id of that oldest item: a whole-list walk that ends on it saw everything (walk-completeness.ts). */
  oldestId?: number | null;
  /** Timestamp of the last item processed, for the progress estimate. */
  position?: string | null;
  /** Id of the last item processed: where the walk ended, for the completeness check. */
  positionId?: number | null;
  /** Whether this run reads everything (no watermark yet, or FULL). */
  initial?: boolean;
  reconciled?: number;
  /**
   * The tickets walk of the whole list ended while Gorgias still lists an older ticket: Gorgias cut
   * the walk short. Kept for the whole run: a FULL run then marks nothing deleted.
   */
  incompleteWalk?: boolean;
  /** Events stage: what its events asked for, saved before the tickets are re-read (events.stage.ts). */
  events?: EventsStagePlan;
}

/**
 * The events stage's plan, saved with its first page: a run retried after a failure in the stage re-reads
 * only the tickets left and reads no event again (a long catch-up that fails late would otherwise repeat
 * every call).
 */
export interface EventsStagePlan {
  /** The tickets still to re-read, in order (each stored batch leaves the list). */
  ticketIds: string[];
  /** How many tickets of the plan are stored already. */
  refreshed: number;
  /** The events watermark the stage sets when it ends. */
  watermark: string;
  /** The events inside the overlap window that are handled (remembered when the stage ends). */
  remembered: string[];
}
