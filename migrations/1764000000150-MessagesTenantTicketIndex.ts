import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The messages of one ticket, found by an index that leads with the tenant:
 * `(tenant_id, connector_id, ticket_external_id, created_at, id)` in place of `messages_ticket_idx`
 * (the same columns without the tenant).
 *
 * Why (issue 27, measured at 20,000 tickets / 89,638 messages): every per-ticket read of messages also says
 * `tenant_id = $1`, and the old index could not answer that column. During an initial sync the messages
 * table has never been analysed, so PostgreSQL guessed `tenant_id = $1` matched 0.5 % of it and combined the
 * ticket index with a scan of the primary key by tenant (a BitmapAnd): every ticket read the tenant's whole
 * key range. The tickets' description lookup (first message's text, first agent reply) took 6.8 s per batch
 * of 500 tickets, 66 % of the server's time of the sync, and grew with the square of the account. With the
 * tenant in this index the plan has nothing to combine. It also serves the API's messages of a ticket
 * (ordered by created_at, id) and, on Citus, keeps the tenant first as every key does.
 */
export class MessagesTenantTicketIndex1764000000150 implements MigrationInterface {
  name = 'MessagesTenantTicketIndex1764000000150';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_tenant_ticket_idx ON messages (tenant_id, connector_id, ticket_external_id, created_at, id)`);
    await q.query(`DROP INDEX messages_ticket_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX messages_ticket_idx ON messages (connector_id, ticket_external_id, created_at, id)`);
    await q.query(`DROP INDEX messages_tenant_ticket_idx`);
  }
}
