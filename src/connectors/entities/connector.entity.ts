import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export enum ConnectorProvider {
  GORGIAS = 'GORGIAS',
}

export enum ConnectorStatus {
  DRAFT = 'DRAFT',
  ACTIVE = 'ACTIVE',
  PAUSED = 'PAUSED',
  ERROR = 'ERROR',
}

/** A tenant's link to one Gorgias account. The API key is only ever stored encrypted. */
@Entity('connectors')
export class ConnectorEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id' }) tenantId: string;
  @Column({ type: 'text' }) provider: ConnectorProvider;
  @Column() name: string;
  @Column() email: string;
  @Column() subdomain: string;
  @Column({ name: 'api_key_ciphertext', select: false }) apiKeyCiphertext: string;
  @Column({ name: 'api_key_key_id', select: false }) apiKeyKeyId: string;
  @Column({ name: 'api_key_last4' }) apiKeyLast4: string;
  @Column({ type: 'text' }) status: ConnectorStatus;
  @Column({ name: 'sync_interval_minutes', type: 'int' }) syncIntervalMinutes: number;
  @Column({ name: 'last_synced_at', type: 'timestamptz', nullable: true }) lastSyncedAt: Date | null;
  @Column({ name: 'next_sync_at', type: 'timestamptz', nullable: true }) nextSyncAt: Date | null;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError: string | null;
  @Column({ name: 'last_error_code', type: 'text', nullable: true }) lastErrorCode: string | null;
  /** The last connection check (Test Connection, Save & Activate, new credentials): see migration 095. */
  @Column({ name: 'last_check_ok', type: 'boolean', nullable: true }) lastCheckOk: boolean | null;
  @Column({ name: 'last_check_code', type: 'text', nullable: true }) lastCheckCode: string | null;
  @Column({ name: 'last_check_message', type: 'text', nullable: true }) lastCheckMessage: string | null;
  @Column({ name: 'last_checked_at', type: 'timestamptz', nullable: true }) lastCheckedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
