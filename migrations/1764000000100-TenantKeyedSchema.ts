import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 23: a schema Citus can spread over workers by tenant (see docs/scale-out.md, "Schema status").
 *
 * - Per-tenant data tables carry tenant_id in every primary, unique and foreign key, so that each can be
 *   hash-distributed on tenant_id, co-located with connectors: a tenant's rows of every table live on one
 *   node, and its reads, writes and joins are answered there.
 * - The run queue (sync_runs: claims take FOR UPDATE SKIP LOCKED, which Citus refuses on multi-shard
 *   queries), the small per-connector cursors the claims read (sync_cursors), and the feed's position log
 *   (ticket_changes: positions are the coordinator's transaction ids, compared with the coordinator's own
 *   snapshot) stay coordinator-local. A local table cannot reference a distributed one, so these lose their
 *   foreign key to connectors: ConnectorsRepository.delete removes their rows in the deleting transaction.
 * - Migration 091's webhook tables: the per-connector state row and the answered-ticket memory take a
 *   tenant_id (filled from their connector) and are distributed like the requests they go with; the rate
 *   counters (UNLOGGED, keyed by address or connector before any tenant is known, a few rows a minute) stay
 *   coordinator-local (Citus could distribute an UNLOGGED table; it has no tenant to distribute on).
 * - No small shared table exists today, so there is no reference table.
 *
 * On plain PostgreSQL the same keys apply and nothing is distributed. Existing rows are kept: only keys
 * change, and on Citus create_distributed_table copies each table's rows into its shards.
 */
export const DISTRIBUTED_TABLES = [
  'connectors',
  'customers',
  'tickets',
  'messages',
  'sync_log_entries',
  'sync_quarantine',
  'connector_webhooks',
  'ticket_refresh_requests',
  'webhook_refresh_state',
  'webhook_answered_tickets',
];
export const COORDINATOR_LOCAL_TABLES = ['sync_runs', 'sync_cursors', 'ticket_changes', 'webhook_rate_counters'];
/** Per-connector tables made before this migration without a tenant_id: it is added, from their connector. */
const TENANT_ADDED = ['webhook_refresh_state', 'webhook_answered_tickets'];
/** Local tables that referenced connectors before this migration (down restores their foreign key). */
const LOCAL_WITH_CONNECTOR = ['sync_runs', 'sync_cursors', 'ticket_changes'];

/** Keys per distributed table besides connectors: before this migration (for down) and after. */
interface Keys {
  oldPrimary: string;
  oldUnique?: [name: string, columns: string];
  primary: string;
  unique?: string;
}
const KEYS: Record<string, Keys> = {
  customers: {
    oldPrimary: 'id',
    oldUnique: ['customers_connector_id_external_id_key', 'connector_id, external_id'],
    primary: 'tenant_id, id',
    unique: 'tenant_id, connector_id, external_id',
  },
  tickets: {
    oldPrimary: 'id',
    oldUnique: ['tickets_connector_id_external_id_key', 'connector_id, external_id'],
    primary: 'tenant_id, id',
    unique: 'tenant_id, connector_id, external_id',
  },
  messages: {
    oldPrimary: 'id',
    oldUnique: ['messages_connector_id_external_id_key', 'connector_id, external_id'],
    primary: 'tenant_id, id',
    unique: 'tenant_id, connector_id, external_id',
  },
  sync_log_entries: { oldPrimary: 'id', primary: 'tenant_id, id' },
  sync_quarantine: {
    oldPrimary: 'id',
    oldUnique: ['sync_quarantine_connector_id_object_type_external_id_key', 'connector_id, object_type, external_id'],
    primary: 'tenant_id, id',
    unique: 'tenant_id, connector_id, object_type, external_id',
  },
  connector_webhooks: { oldPrimary: 'connector_id', primary: 'tenant_id, connector_id' },
  ticket_refresh_requests: { oldPrimary: 'connector_id, ticket_external_id', primary: 'tenant_id, connector_id, ticket_external_id' },
  webhook_refresh_state: { oldPrimary: 'connector_id', primary: 'tenant_id, connector_id' },
  webhook_answered_tickets: { oldPrimary: 'connector_id, ticket_external_id', primary: 'tenant_id, connector_id, ticket_external_id' },
};

export class TenantKeyedSchema1764000000100 implements MigrationInterface {
  name = 'TenantKeyedSchema1764000000100';

  async up(q: QueryRunner): Promise<void> {
    // Every foreign key to connectors or sync_runs goes: the referenced keys change (connectors) or the
    // referenced table stays local while the referencing one is distributed (sync_runs). Found by catalog,
    // so that a key a later release added under another name is not left blocking the key change.
    const fks: { tbl: string; conname: string }[] = await q.query(
      `SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint
        WHERE contype = 'f' AND confrelid IN ('connectors'::regclass, 'sync_runs'::regclass)`,
    );
    for (const fk of fks) await q.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${fk.conname}`);
    // Their foreign key (dropped above, cascading from connectors) guarantees every row a connector.
    for (const table of TENANT_ADDED) {
      await q.query(`ALTER TABLE ${table} ADD COLUMN tenant_id text`);
      await q.query(`UPDATE ${table} x SET tenant_id = c.tenant_id FROM connectors c WHERE c.id = x.connector_id`);
      await q.query(`ALTER TABLE ${table} ALTER COLUMN tenant_id SET NOT NULL`);
    }

    await q.query(`ALTER TABLE connectors DROP CONSTRAINT connectors_pkey, ADD PRIMARY KEY (tenant_id, id)`);
    for (const [table, k] of Object.entries(KEYS)) {
      const changes = [`DROP CONSTRAINT ${table}_pkey`, `ADD PRIMARY KEY (${k.primary})`];
      if (k.oldUnique) changes.push(`DROP CONSTRAINT ${k.oldUnique[0]}`, `ADD UNIQUE (${k.unique})`);
      await q.query(`ALTER TABLE ${table} ${changes.join(', ')}`);
      // Deleting a connector still deletes its data: the cascade now follows the tenant-keyed reference.
      await q.query(
        `ALTER TABLE ${table} ADD FOREIGN KEY (tenant_id, connector_id) REFERENCES connectors (tenant_id, id) ON DELETE CASCADE`,
      );
    }
    // Each ticket carries the feed position of its latest change (written with it): on Citus a feed reader
    // reads positions on the coordinator and tickets on a worker, and the stamp tells it whether the ticket it
    // read shows that change (TicketChangeRepository.page). Existing tickets take their current position.
    await q.query(`ALTER TABLE tickets ADD COLUMN feed_xact_id xid8, ADD COLUMN feed_seq bigint`);
    await q.query(
      `UPDATE tickets t SET feed_xact_id = c.xact_id, feed_seq = c.seq FROM ticket_changes c
        WHERE c.connector_id = t.connector_id AND c.ticket_external_id = t.external_id`,
    );
    // The tenant's DataLoader and list reads filter by tenant first; these indexes served reads by connector alone.
    await q.query(`CREATE INDEX sync_log_entries_tenant_connector_idx ON sync_log_entries (tenant_id, connector_id, id DESC)`);

    const [{ citus }] = await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus`);
    if (!citus) return;
    // One connection per worker for the whole transaction: it copies existing rows into shards and creates
    // foreign keys between shards, and Citus refuses shard DDL after parallel multi-shard work in the same
    // transaction ("there was a parallel operation on a distributed table").
    await q.query(`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`);
    await q.query(`SELECT create_distributed_table('connectors', 'tenant_id')`);
    for (const table of DISTRIBUTED_TABLES.slice(1)) {
      await q.query(`SELECT create_distributed_table($1, 'tenant_id', colocate_with => 'connectors')`, [table]);
    }
    // Rows that were already there were copied into the shards; the coordinator's local copies are dropped.
    await q.query(`SELECT truncate_local_data_after_distributing_table(t) FROM unnest($1::regclass[]) AS t`, [DISTRIBUTED_TABLES]);
  }

  async down(q: QueryRunner): Promise<void> {
    const [{ citus }] = await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus`);
    // Undoing the distribution is not offered: undistribute_table refuses tables with an identity column
    // (sync_log_entries, sync_quarantine), and going back to one node is a restore, not a migration.
    if (citus) throw new Error('migration 1764000000100 cannot be reverted on Citus: restore a single-node database instead');
    await q.query(`DROP INDEX IF EXISTS sync_log_entries_tenant_connector_idx`);
    await q.query(`ALTER TABLE tickets DROP COLUMN feed_xact_id, DROP COLUMN feed_seq`);
    const fks: { tbl: string; conname: string }[] = await q.query(
      `SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint WHERE contype = 'f' AND confrelid = 'connectors'::regclass`,
    );
    for (const fk of fks) await q.query(`ALTER TABLE ${fk.tbl} DROP CONSTRAINT ${fk.conname}`);
    await q.query(`ALTER TABLE connectors DROP CONSTRAINT connectors_pkey, ADD PRIMARY KEY (id)`);
    for (const [table, k] of Object.entries(KEYS)) {
      const current: { conname: string }[] = await q.query(
        `SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass AND contype IN ('p','u')`,
        [table],
      );
      const changes = [...current.map((c) => `DROP CONSTRAINT ${c.conname}`), `ADD PRIMARY KEY (${k.oldPrimary})`];
      if (k.oldUnique) changes.push(`ADD CONSTRAINT ${k.oldUnique[0]} UNIQUE (${k.oldUnique[1]})`);
      await q.query(`ALTER TABLE ${table} ${changes.join(', ')}`);
    }
    for (const table of [...Object.keys(KEYS), ...LOCAL_WITH_CONNECTOR]) {
      await q.query(`ALTER TABLE ${table} ADD FOREIGN KEY (connector_id) REFERENCES connectors (id) ON DELETE CASCADE`);
    }
    await q.query(`ALTER TABLE sync_log_entries ADD FOREIGN KEY (run_id) REFERENCES sync_runs (id) ON DELETE CASCADE`);
    await q.query(`ALTER TABLE sync_quarantine ADD FOREIGN KEY (run_id) REFERENCES sync_runs (id) ON DELETE SET NULL`);
    for (const table of TENANT_ADDED) await q.query(`ALTER TABLE ${table} DROP COLUMN tenant_id`);
  }
}
