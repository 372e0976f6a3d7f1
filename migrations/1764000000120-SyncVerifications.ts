import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 25: verifications, a queue of their own beside sync_runs (docs/architecture.md, "Verification").
 *
 * A verification compares a window of Gorgias with our rows and, when asked, repairs what differs. It is
 * queued, leased (FOR UPDATE SKIP LOCKED, a fencing token per claim), resumable from its checkpoint and
 * one at a time per connector, like a sync run, but it is not a sync run: sync_runs allows one active run
 * per connector, and a verification of hours in that slot would hold back the connector's polls and
 * webhook refreshes. Its own table lets both run side by side on one rate budget.
 *
 * Like sync_runs it stays coordinator-local on Citus (Citus refuses SKIP LOCKED on multi-shard queries),
 * so it has no foreign key to the distributed connectors: ConnectorsRepository.delete removes its rows.
 * Tenant-keyed all the same: tenant_id first in the primary key and in the one-active-per-connector index.
 *
 * `tickets_live_created_idx` serves the verification's one read by creation time (the live tickets of a slice).
 *
 * `report` keeps the first 100 differing ids with the fields that differed, and the quarantined records
 * of the window with their reasons (a small jsonb: the counts are columns).
 */
export class SyncVerifications1764000000120 implements MigrationInterface {
  name = 'SyncVerifications1764000000120';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_verifications (
        tenant_id text NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        connector_id uuid NOT NULL,
        status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED')),
        trigger text NOT NULL DEFAULT 'MANUAL',
        repair boolean NOT NULL DEFAULT true,
        window_from timestamptz,
        window_to timestamptz,
        phase text NOT NULL DEFAULT 'queued',
        checkpoint jsonb NOT NULL DEFAULT '{}'::jsonb,
        tickets_checked int NOT NULL DEFAULT 0,
        tickets_missing int NOT NULL DEFAULT 0,
        tickets_stale int NOT NULL DEFAULT 0,
        tickets_extra int NOT NULL DEFAULT 0,
        messages_checked int NOT NULL DEFAULT 0,
        messages_missing int NOT NULL DEFAULT 0,
        messages_stale int NOT NULL DEFAULT 0,
        quarantined int NOT NULL DEFAULT 0,
        repaired int NOT NULL DEFAULT 0,
        api_requests int NOT NULL DEFAULT 0,
        report jsonb NOT NULL DEFAULT '{"differences":[],"quarantined":[]}'::jsonb,
        error text,
        cancel_requested boolean NOT NULL DEFAULT false,
        attempts int NOT NULL DEFAULT 0,
        lease_owner text,
        lease_token uuid,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        PRIMARY KEY (tenant_id, id),
        CHECK (window_from IS NULL OR window_to IS NULL OR window_from <= window_to)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX sync_verifications_one_active ON sync_verifications (tenant_id, connector_id) WHERE status IN ('QUEUED','RUNNING')`,
    );
    await q.query(
      `CREATE INDEX sync_verifications_connector_idx ON sync_verifications (tenant_id, connector_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX sync_verifications_claim_idx ON sync_verifications (status, lease_expires_at) WHERE status IN ('QUEUED','RUNNING')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tickets_live_created_idx`);
    await q.query(`DROP TABLE sync_verifications`);
  }
}
