import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export enum SyncMode {
  INCREMENTAL = 'INCREMENTAL',
  FULL = 'FULL',
}

export enum SyncRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}

export type SyncStage = 'messages' | 'tickets' | 'reconcile' | 'events' | 'sweep' | 'done';

/** Where a run is, durable after every page: a restarted run continues from here. */
export interface SyncCheckpoint {
  stage?: SyncStage;
  /** Page cursor of the list being walked in `stage` (good within one run only). */
  cursor?: string | null;
  /** Newest timestamp seen at the top of the walk: becomes the stream's watermark when it completes. */
  pendingWatermark?: string | null;
  /** The walk's lower bound: watermark minus the overlap (absent: read everything). */
  stopBefore?: string | null;
  /** Oldest timestamp of the stream, for the progress estimate. */
  oldest?: string | null;
  /** Timestamp of the last item processed, for the progress estimate. */
  position?: string | null;
  /** Whether this run reads everything (no watermark yet, or FULL). */
  initial?: boolean;
  reconciled?: number;
}

@Entity('sync_runs')
export class SyncRunEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id' }) tenantId: string;
  @Column({ name: 'connector_id', type: 'uuid' }) connectorId: string;
  @Column({ type: 'text' }) mode: SyncMode;
  @Column({ type: 'text' }) status: SyncRunStatus;
  @Column({ type: 'text' }) trigger: string;
  @Column({ type: 'text' }) phase: string;
  @Column({ type: 'jsonb' }) checkpoint: SyncCheckpoint;
  @Column({ name: 'lease_owner', type: 'text', nullable: true }) leaseOwner: string | null;
  @Column({ name: 'lease_expires_at', type: 'timestamptz', nullable: true }) leaseExpiresAt: Date | null;
  @Column({ type: 'int' }) attempts: number;
  @Column({ name: 'tickets_total', type: 'int', nullable: true }) ticketsTotal: number | null;
  @Column({ type: 'real', default: 0 }) percent: number;
  @Column({ name: 'tickets_synced', type: 'int' }) ticketsSynced: number;
  @Column({ name: 'messages_synced', type: 'int' }) messagesSynced: number;
  @Column({ name: 'tickets_deleted', type: 'int' }) ticketsDeleted: number;
  @Column({ name: 'api_requests', type: 'int' }) apiRequests: number;
  @Column({ name: 'rate_limit_waits', type: 'int' }) rateLimitWaits: number;
  @Column({ type: 'text', nullable: true }) error: string | null;
  @Column({ name: 'error_code', type: 'text', nullable: true }) errorCode: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt: Date | null;
}
