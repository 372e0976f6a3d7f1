import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole first schema: connectors and their secrets, sync runs/logs/cursors, and the synced
 * Gorgias data. Every row carries its tenant; Gorgias ids are unique per connector.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE connectors (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        provider text NOT NULL DEFAULT 'GORGIAS',
        name text NOT NULL,
        email text NOT NULL,
        subdomain text NOT NULL,
        api_key_ciphertext text NOT NULL,
        api_key_key_id text NOT NULL,
        api_key_last4 text NOT NULL,
        status text NOT NULL DEFAULT 'DRAFT' CHECK (status IN ('DRAFT','ACTIVE','PAUSED','ERROR')),
        sync_interval_minutes int NOT NULL DEFAULT 15 CHECK (sync_interval_minutes BETWEEN 1 AND 1440),
        last_synced_at timestamptz,
        next_sync_at timestamptz,
        last_error text,
        last_error_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX connectors_tenant_idx ON connectors (tenant_id, created_at)`);
    await q.query(`CREATE INDEX connectors_due_idx ON connectors (next_sync_at) WHERE status = 'ACTIVE'`);

    await q.query(`
      CREATE TABLE sync_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        mode text NOT NULL CHECK (mode IN ('INCREMENTAL','FULL')),
        status text NOT NULL DEFAULT 'QUEUED' CHECK (status IN ('QUEUED','RUNNING','SUCCEEDED','FAILED','CANCELLED')),
        trigger text NOT NULL DEFAULT 'SCHEDULE',
        phase text NOT NULL DEFAULT 'queued',
        checkpoint jsonb NOT NULL DEFAULT '{}'::jsonb,
        lease_owner text,
        lease_expires_at timestamptz,
        attempts int NOT NULL DEFAULT 0,
        tickets_total int,
        tickets_synced int NOT NULL DEFAULT 0,
        messages_synced int NOT NULL DEFAULT 0,
        tickets_deleted int NOT NULL DEFAULT 0,
        api_requests int NOT NULL DEFAULT 0,
        rate_limit_waits int NOT NULL DEFAULT 0,
        error text,
        error_code text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    // At most one queued-or-running run per connector: a second trigger finds the first.
    await q.query(`CREATE UNIQUE INDEX sync_runs_one_active_idx ON sync_runs (connector_id) WHERE status IN ('QUEUED','RUNNING')`);
    await q.query(`CREATE INDEX sync_runs_connector_idx ON sync_runs (connector_id, created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX sync_runs_claimable_idx ON sync_runs (status, lease_expires_at) WHERE status IN ('QUEUED','RUNNING')`);

    await q.query(`
      CREATE TABLE sync_log_entries (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        run_id uuid REFERENCES sync_runs(id) ON DELETE CASCADE,
        level text NOT NULL CHECK (level IN ('INFO','WARN','ERROR')),
        message text NOT NULL,
        at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sync_log_entries_connector_idx ON sync_log_entries (connector_id, id DESC)`);
    await q.query(`CREATE INDEX sync_log_entries_run_idx ON sync_log_entries (run_id, id DESC)`);

    // Durable per-stream sync state: the watermark survives runs, the page cursor only its run.
    await q.query(`
      CREATE TABLE sync_cursors (
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        stream text NOT NULL,
        tenant_id text NOT NULL,
        watermark timestamptz,
        watermark_id bigint,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connector_id, stream)
      )`);

    await q.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        external_id bigint NOT NULL,
        email text,
        name text,
        payload jsonb NOT NULL,
        synced_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (connector_id, external_id)
      )`);
    await q.query(`CREATE INDEX customers_tenant_email_idx ON customers (tenant_id, lower(email))`);

    await q.query(`
      CREATE TABLE tickets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        external_id bigint NOT NULL,
        subject text,
        excerpt text,
        description text,
        status text NOT NULL,
        priority text,
        channel text,
        via text,
        language text,
        customer_external_id bigint,
        customer_email text,
        customer_name text,
        tags text[] NOT NULL DEFAULT '{}',
        messages_count int NOT NULL DEFAULT 0,
        -- messages_count at which the ticket was last re-read on its own: not re-read again for the same gap
        reconciled_messages_count int,
        spam boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        opened_at timestamptz,
        closed_at timestamptz,
        last_message_at timestamptz,
        trashed_at timestamptz,
        deleted_at timestamptz,
        payload jsonb NOT NULL,
        synced_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(description, '') || ' ' || coalesce(excerpt, ''))
        ) STORED,
        UNIQUE (connector_id, external_id)
      )`);
    await q.query(`CREATE INDEX tickets_tenant_updated_idx ON tickets (tenant_id, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_connector_updated_idx ON tickets (connector_id, updated_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tickets_tenant_status_idx ON tickets (tenant_id, status, updated_at DESC)`);
    await q.query(`CREATE INDEX tickets_tenant_priority_idx ON tickets (tenant_id, priority, updated_at DESC)`);
    await q.query(`CREATE INDEX tickets_tenant_channel_idx ON tickets (tenant_id, channel, updated_at DESC)`);
    await q.query(`CREATE INDEX tickets_tenant_customer_email_idx ON tickets (tenant_id, lower(customer_email))`);
    await q.query(`CREATE INDEX tickets_search_idx ON tickets USING gin (search)`);

    await q.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        external_id bigint NOT NULL,
        ticket_external_id bigint NOT NULL,
        channel text,
        via text,
        from_agent boolean NOT NULL DEFAULT false,
        public boolean NOT NULL DEFAULT true,
        sender_email text,
        sender_name text,
        receiver_email text,
        receiver_name text,
        subject text,
        body_text text,
        body_html text,
        stripped_text text,
        attachments jsonb NOT NULL DEFAULT '[]'::jsonb,
        created_at timestamptz NOT NULL,
        sent_at timestamptz,
        deleted_at timestamptz,
        payload jsonb NOT NULL,
        synced_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          to_tsvector('simple', coalesce(subject, '') || ' ' || left(coalesce(body_text, ''), 100000))
        ) STORED,
        UNIQUE (connector_id, external_id)
      )`);
    await q.query(`CREATE INDEX messages_ticket_idx ON messages (connector_id, ticket_external_id, created_at, id)`);
    await q.query(`CREATE INDEX messages_search_idx ON messages USING gin (search)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['messages', 'tickets', 'customers', 'sync_cursors', 'sync_log_entries', 'sync_runs', 'connectors']) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
  }
}
