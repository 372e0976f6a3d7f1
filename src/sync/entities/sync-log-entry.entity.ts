import { Column, Entity, PrimaryColumn } from 'typeorm';

export enum SyncLogLevel {
  INFO = 'INFO',
  WARN = 'WARN',
  ERROR = 'ERROR',
}

@Entity('sync_log_entries')
export class SyncLogEntryEntity {
  @PrimaryColumn({ type: 'bigint', generated: 'identity' }) id: string;
  @Column({ name: 'tenant_id' }) tenantId: string;
  @Column({ name: 'connector_id', type: 'uuid' }) connectorId: string;
  @Column({ name: 'run_id', type: 'uuid', nullable: true }) runId: string | null;
  @Column({ type: 'text' }) level: SyncLogLevel;
  @Column({ type: 'text' }) message: string;
  @Column({ type: 'timestamptz' }) at: Date;
}
