import { SyncCheckpoint, SyncMode, SyncRunStatus } from '../sync-run.types';

export interface RunCounters {
  /** Rows the run inserted or changed (an identical re-read is not counted). */
  ticketsSynced?: number;
  messagesSynced?: number;
  /** Records the run read from Gorgias, changed or not. */
  ticketsRead?: number;
  messagesRead?: number;
  ticketsDeleted?: number;
  apiRequests?: number;
  rateLimitWaits?: number;
  ticketsTotal?: number | null;
  percent?: number;
}

/** A row of `sync_runs` as the engine and the API read it. */
export interface SyncRunRow {
  id: string;
  tenantId: string;
  connectorId: string;
  mode: SyncMode;
  status: SyncRunStatus;
  trigger: string;
  phase: string;
  checkpoint: SyncCheckpoint;
  leaseOwner: string | null;
  /** This claim's fencing token: every write of the run names it, so only the latest claim writes. */
  leaseToken: string | null;
  leaseExpiresAt: Date | null;
  attempts: number;
  ticketsTotal: number | null;
  percent: number;
  ticketsSynced: number;
  messagesSynced: number;
  ticketsRead: number;
  messagesRead: number;
  /** Whether the run changed any row so far (synced or deleted something). */
  changed: boolean;
  ticketsDeleted: number;
  apiRequests: number;
  rateLimitWaits: number;
  error: string | null;
  errorCode: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

/** What a run shows (GraphQL SyncRun, progress). */
export const RUN_SUMMARY_COLUMNS = `id, tenant_id AS "tenantId", connector_id AS "connectorId", mode, status, phase,
  tickets_total AS "ticketsTotal", percent, tickets_synced AS "ticketsSynced", messages_synced AS "messagesSynced",
  tickets_read AS "ticketsRead", messages_read AS "messagesRead", changed,
  tickets_deleted AS "ticketsDeleted", api_requests AS "apiRequests", rate_limit_waits AS "rateLimitWaits", error,
  created_at AS "createdAt", started_at AS "startedAt", finished_at AS "finishedAt"`;

/** ...plus what executing it needs. */
export const RUN_COLUMNS = `${RUN_SUMMARY_COLUMNS}, trigger, checkpoint, lease_owner AS "leaseOwner", lease_token AS "leaseToken",
  lease_expires_at AS "leaseExpiresAt", attempts, error_code AS "errorCode"`;
