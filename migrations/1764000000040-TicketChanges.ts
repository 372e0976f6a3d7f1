import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ticket change feed: one row per ticket, moved to the end of the feed by every write that
 * changes what the API shows for it (see "Change feed" in README.md).
 * Its position is (xact_id, seq): the writing transaction's id, then a sequence number. Rows are
 * exposed only once every transaction older than the reader's snapshot xmin has finished, so a
 * position, once passed by a reader, can never be filled in later.
 */
export class TicketChanges1764000000040 implements MigrationInterface {
  name = 'TicketChanges1764000000040';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE ticket_changes_seq AS bigint`);
    await q.query(`
      CREATE TABLE ticket_changes (
        connector_id uuid NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        ticket_external_id bigint NOT NULL,
        tenant_id text NOT NULL,
        xact_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        seq bigint NOT NULL DEFAULT nextval('ticket_changes_seq'),
        changed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (connector_id, ticket_external_id)
      )`);
    await q.query(`ALTER SEQUENCE ticket_changes_seq OWNED BY ticket_changes.seq`);
    // Reads page a tenant's feed, or one connector's, in position order.
    await q.query(`CREATE INDEX ticket_changes_tenant_position_idx ON ticket_changes (tenant_id, xact_id, seq)`);
    await q.query(`CREATE INDEX ticket_changes_connector_position_idx ON ticket_changes (connector_id, xact_id, seq)`);
    // A customer renamed in one ticket's page changes every ticket that shows that customer.
    await q.query(`CREATE INDEX tickets_connector_customer_idx ON tickets (connector_id, customer_external_id)`);
    // Every ticket already synced enters the feed once, so reading it from the start is a full snapshot.
    await q.query(`
      INSERT INTO ticket_changes (connector_id, ticket_external_id, tenant_id, changed_at)
      SELECT connector_id, external_id, tenant_id, now() FROM tickets ORDER BY updated_at, id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tickets_connector_customer_idx`);
    await q.query(`DROP TABLE IF EXISTS ticket_changes`);
  }
}
