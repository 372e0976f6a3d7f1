import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A tenant connects a Gorgias account once: a second connector on the same subdomain would sync
 * the same data twice and share its rate limit.
 */
export class ConnectorSubdomainUnique1764000000001 implements MigrationInterface {
  name = 'ConnectorSubdomainUnique1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE UNIQUE INDEX connectors_tenant_subdomain_idx ON connectors (tenant_id, provider, subdomain)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS connectors_tenant_subdomain_idx`);
  }
}
