import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Real-time freshness (issue 13): each connector's Gorgias webhook (its registration state and
 * encrypted secret), the durable queue of ticket refreshes that webhooks request, and a REFRESH
 * run mode that works that queue off.
 */
export class WebhookIntake1764000000030 implements MigrationInterface {
  name = 'WebhookIntake1764000000030';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connector_webhooks (
        connector_id uuid PRIMARY KEY REFERENCES connectors(id) ON DELETE CASCADE,
        tenant_id text NOT NULL,
        -- REGISTERED: Gorgias posts to us; REFUSED: Gorgias said no (not an admin's key), manual setup shown;
        -- FAILED: could not reach Gorgias, retried after the next sync; REMOVED: paused, integration deleted
        state text NOT NULL CHECK (state IN ('REGISTERED','REFUSED','FAILED','REMOVED')),
        integration_id bigint,
        url text NOT NULL,
        secret_ciphertext text NOT NULL,
        secret_key_id text NOT NULL,
        detail text,
        last_webhook_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE SEQUENCE ticket_refresh_seq`);
    await q.query(`
      CREATE TABLE ticket_refresh_requests (
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        ticket_external_id bigint NOT NULL,
        tenant_id text NOT NULL,
        -- the oldest unanswered webhook for this ticket (freshness), and the newest one (seq moves with it,
        -- so a webhook arriving while the ticket is being re-read keeps the request for another pass)
        first_received_at timestamptz NOT NULL DEFAULT now(),
        last_received_at timestamptz NOT NULL DEFAULT now(),
        seq bigint NOT NULL DEFAULT nextval('ticket_refresh_seq'),
        PRIMARY KEY (connector_id, ticket_external_id)
      )`);
    await q.query(`CREATE INDEX ticket_refresh_requests_received_idx ON ticket_refresh_requests (first_received_at)`);
    await q.query(`ALTER TABLE sync_runs DROP CONSTRAINT IF EXISTS sync_runs_mode_check`);
    await q.query(`ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_mode_check CHECK (mode IN ('INCREMENTAL','FULL','REFRESH'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM sync_runs WHERE mode = 'REFRESH'`);
    await q.query(`ALTER TABLE sync_runs DROP CONSTRAINT IF EXISTS sync_runs_mode_check`);
    await q.query(`ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_mode_check CHECK (mode IN ('INCREMENTAL','FULL'))`);
    await q.query(`DROP TABLE IF EXISTS ticket_refresh_requests`);
    await q.query(`DROP SEQUENCE IF EXISTS ticket_refresh_seq`);
    await q.query(`DROP TABLE IF EXISTS connector_webhooks`);
  }
}
