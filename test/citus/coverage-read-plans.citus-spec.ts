import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { PreparedReads } from '../../src/database/prepared-reads';
import { TicketCoverageService } from '../../src/tickets/queries/ticket-coverage.service';
import { TicketsService } from '../../src/tickets/queries/tickets.service';
import { CustomerRepository } from '../../src/tickets/repositories/customer.repository';
import { DirectoryRepository } from '../../src/tickets/repositories/directory.repository';
import { MessageRepository } from '../../src/tickets/repositories/message.repository';
import { TicketCoverageRepository } from '../../src/tickets/repositories/ticket-coverage.repository';
import { TicketHistoryRepository } from '../../src/tickets/repositories/ticket-history.repository';
import { TicketRepository } from '../../src/tickets/repositories/ticket.repository';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * The coverage reads (issue 24) on the cluster: every statement the read side sends (recorded from the
 * repositories through the service, as in router-plans.citus-spec.ts) is answered by one worker, a Citus
 * router plan with one task, and answers the tenant's rows only.
 */
describe('the coverage reads are one-task router plans on Citus', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let explain: Client;
  const log: { sql: string; params: unknown[] }[] = [];
  const reads = {
    rows: (sql: string, params: unknown[]) => (log.push({ sql, params }), ds.query(sql, params)),
  } as unknown as PreparedReads;
  const connectors: Record<string, string> = {};

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, migrations, logging: false });
    await ds.initialize();
    await runMigrationsLocked(ds);
    // Tenants on both workers, each with the same Gorgias ids.
    for (const tenant of ['tenant-router', 'tenant-a', 'tenant-b', 'tenant-c']) {
      const [c] = await ds.query(
        `INSERT INTO connectors (tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
         VALUES ($1, 'c', 'a@example.com', $1, 'x', 'k', 'abcd', 'ACTIVE') RETURNING id`,
        [tenant],
      );
      connectors[tenant] = c.id;
      const p = [tenant, c.id];
      await ds.query(
        `INSERT INTO tickets (tenant_id, connector_id, external_id, status, created_at, updated_at, payload, assignee_external_id, team_external_id)
         VALUES ($1, $2, 1, 'open', now(), now(), '{}', 11, 21)`,
        p,
      );
      await ds.query(`INSERT INTO agents (tenant_id, connector_id, external_id, name) VALUES ($1, $2, 11, $1)`, p);
      await ds.query(`INSERT INTO teams (tenant_id, connector_id, external_id, name) VALUES ($1, $2, 21, $1)`, p);
      await ds.query(`INSERT INTO tags (tenant_id, connector_id, external_id, name) VALUES ($1, $2, 31, 'refund')`, p);
      await ds.query(`INSERT INTO ticket_tags (tenant_id, connector_id, ticket_external_id, tag_external_id) VALUES ($1, $2, 1, 31)`, p);
      await ds.query(
        `INSERT INTO satisfaction_surveys (tenant_id, connector_id, external_id, ticket_external_id, score) VALUES ($1, $2, 41, 1, 5)`,
        p,
      );
      await ds.query(`INSERT INTO custom_field_definitions (tenant_id, connector_id, external_id, label) VALUES ($1, $2, 51, 'Reason')`, p);
      await ds.query(
        `INSERT INTO ticket_custom_field_values (tenant_id, connector_id, ticket_external_id, field_external_id, value) VALUES ($1, $2, 1, 51, $1)`,
        p,
      );
      await ds.query(
        `INSERT INTO ticket_events (tenant_id, connector_id, external_id, ticket_external_id, type, at, actor_external_id)
         VALUES ($1, $2, 61, 1, 'ticket-assigned', now(), 11)`,
        p,
      );
    }
    explain = new Client({ connectionString: db.url });
    await explain.connect();
  });
  afterAll(async () => {
    await explain?.end();
    await ds?.destroy();
    await db?.drop();
  });

  it('directory, per-ticket batches, history and the coverage filters', async () => {
    const tenantId = 'tenant-router';
    const user = { tenantId, role: 'reader' as const };
    const key = { connectorId: connectors[tenantId], externalId: '1' };
    const coverage = new TicketCoverageService(
      new DirectoryRepository(reads),
      new TicketCoverageRepository(reads),
      new TicketHistoryRepository(reads),
    );
    const tickets = new TicketsService(new TicketRepository(reads), new MessageRepository(reads), new CustomerRepository(reads));
    log.length = 0;
    expect((await coverage.agents(user, key.connectorId)).map((a) => a.name)).toEqual([tenantId]);
    await coverage.teams(user, key.connectorId);
    await coverage.tags(user, key.connectorId);
    expect([...(await coverage.agentsByKeys(user, [{ connectorId: key.connectorId, externalId: '11' }])).values()][0].name).toBe(tenantId);
    await coverage.teamsByKeys(user, [{ connectorId: key.connectorId, externalId: '21' }]);
    expect((await coverage.ticketTags(user, [key])).size).toBe(1);
    expect((await coverage.surveys(user, [key])).size).toBe(1);
    expect([...(await coverage.customFields(user, [key])).values()][0][0].value).toBe(tenantId);
    expect((await coverage.historyPages(user, [key], 10))[0].totalCount).toBe(1);
    const filter = { tag: 'refund', minSatisfactionScore: 4, assigneeExternalId: '11', teamExternalId: '21' };
    expect((await tickets.list(user, filter, 10)).map((t) => t.external_id)).toEqual(['1']);
    expect(await tickets.count(user, filter)).toBe(1);
    // Another tenant's connector: nothing.
    expect(await coverage.agents(user, connectors['tenant-a'])).toEqual([]);

    const statements = [...log];
    expect(statements.length).toBeGreaterThanOrEqual(12);
    const plans: string[] = [];
    for (const s of statements) {
      const { rows } = await explain.query(`EXPLAIN ${s.sql}`, s.params);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      const counts = [...plan.matchAll(/Task Count: (\d+)/g)].map((m) => m[1]);
      plans.push(plan.includes('Citus') && counts.length && counts.every((n) => n === '1') ? 'tasks 1' : `${s.sql}\n${plan}`);
    }
    expect(plans).toEqual(statements.map(() => 'tasks 1'));
  });
});
