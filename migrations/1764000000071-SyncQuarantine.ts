import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records a sync could not store even after making them storable: one row per Gorgias object, with
 * the reason. The rest of its page is stored and the run goes on; the record is read again when it
 * changes in Gorgias or by a FULL sync, and fails again into the same row (attempts, last_seen_at).
 */
export class SyncQuarantine1764000000071 implements MigrationInterface {
  name = 'SyncQuarantine1764000000071';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_quarantine (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        run_id uuid REFERENCES sync_runs(id) ON DELETE SET NULL,
        object_type text NOT NULL CHECK (object_type IN ('ticket','message')),
        external_id text NOT NULL,
        reason text NOT NULL,
        sqlstate text,
        attempts int NOT NULL DEFAULT 1,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connector_id, object_type, external_id)
      )`);
    await q.query(`CREATE INDEX sync_quarantine_tenant_idx ON sync_quarantine (tenant_id, connector_id, last_seen_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sync_quarantine`);
  }
}
