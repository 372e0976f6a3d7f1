import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A Gorgias customer, unique per connector by its Gorgias id (`external_id`, a bigint kept as a string). */
@Entity('customers')
export class CustomerEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'tenant_id', type: 'text' }) tenantId: string;
  @Column({ name: 'connector_id', type: 'uuid' }) connectorId: string;
  @Column({ name: 'external_id', type: 'bigint' }) externalId: string;
  @Column({ type: 'text', nullable: true }) email: string | null;
  @Column({ type: 'text', nullable: true }) name: string | null;
  @Column({ type: 'jsonb' }) payload: Record<string, unknown>;
  @Column({ name: 'synced_at', type: 'timestamptz' }) syncedAt: Date;
}
