import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two cuts in the statements that ask every shard of a Citus cluster (docs/scale-out.md).
 *
 * 1. `connector_directory`: which tenant a connector belongs to, by connector id alone: what a webhook delivery's URL names
 * (`/webhooks/gorgias/{connectorId}`). On a Citus coordinator this table is not distributed (the
 * migration never calls create_distributed_table for it): a coordinator-local table, so the intake
 * learns the tenant from the coordinator alone and then reads the connector's secret from the tenant's
 * node, instead of asking every shard of `connector_webhooks`. Written with the connector
 * (ConnectorsRepository.insert/delete, in the same transaction); filled here from the connectors there are.
 * Its key has no tenant: it is a directory from a globally unique id to the tenant, not per-tenant data,
 * like `sync_runs` and `sync_cursors` (docs/scale-out.md, Schema status).
 *
 * 2. `sync_log_entries_at_idx`: retention deletes the log lines older than SYNC_HISTORY_RETENTION_DAYS
 *    (`at < now() - n days`), which without it read the whole log table, on every shard, every hour; with it
 *    each shard reads only the expired lines.
 *
 * And one for the feed on Citus: `ticket_changes.ticket_stored`, whether the ticket was stored when its change
 * was recorded (TicketChangeRepository.record stamps it in that transaction). A reader that does not find such
 * a ticket on its node waits for it instead of skipping it (a first-ever ticket read between the coordinator's
 * commit and the worker's). Existing positions are false: read as before.
 */
export class CitusFanOut1764000000140 implements MigrationInterface {
  name = 'CitusFanOut1764000000140';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE connector_directory (connector_id uuid PRIMARY KEY, tenant_id text NOT NULL)`);
    await q.query(`INSERT INTO connector_directory (connector_id, tenant_id) SELECT id, tenant_id FROM connectors`);
    await q.query(`CREATE INDEX sync_log_entries_at_idx ON sync_log_entries (at)`);
    await q.query(`ALTER TABLE ticket_changes ADD COLUMN ticket_stored boolean NOT NULL DEFAULT false`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ticket_changes DROP COLUMN ticket_stored`);
    await q.query(`DROP INDEX sync_log_entries_at_idx`);
    await q.query(`DROP TABLE connector_directory`);
  }
}
