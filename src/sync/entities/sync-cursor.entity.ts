import { Column, Entity, PrimaryColumn } from 'typeorm';

export type SyncStream = 'tickets' | 'messages' | 'events';

/** The durable watermark of one stream of one connector: what every later incremental run starts from. */
@Entity('sync_cursors')
export class SyncCursorEntity {
  @PrimaryColumn({ name: 'connector_id', type: 'uuid' }) connectorId: string;
  @PrimaryColumn({ type: 'text' }) stream: SyncStream;
  @Column({ name: 'tenant_id' }) tenantId: string;
  @Column({ type: 'timestamptz', nullable: true }) watermark: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
