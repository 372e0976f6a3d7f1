import { Client } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { migrations } from '../../migrations';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { PreparedReads } from '../../src/database/prepared-reads';
import { ConnectorsRepository } from '../../src/connectors/connectors.repository';
import { ConnectorWebhookRepository } from '../../src/connectors/webhooks/connector-webhook.repository';
import { SyncQuarantineRepository } from '../../src/sync/repositories/sync-quarantine.repository';
import { SyncRunControlRepository } from '../../src/sync/repositories/sync-run-control.repository';
import { TicketRefreshRequestRepository } from '../../src/sync/repositories/ticket-refresh-request.repository';
import { WebhookBudgetRepository } from '../../src/sync/repositories/webhook-budget.repository';
import { TicketChangeRepository } from '../../src/tickets/changes/ticket-change.repository';
import { TicketsService } from '../../src/tickets/queries/tickets.service';
import { CustomerRepository } from '../../src/tickets/repositories/customer.repository';
import { MessageRepository } from '../../src/tickets/repositories/message.repository';
import { TicketReconcileRepository } from '../../src/tickets/repositories/ticket-reconcile.repository';
import { TicketWriteRepository } from '../../src/tickets/repositories/ticket-write.repository';
import { jsonbParam, pageJsonBytes } from '../../src/tickets/repositories/upsert-statements';
import { TicketRepository } from '../../src/tickets/repositories/ticket.repository';
import { CoverageWriteRepository } from '../../src/tickets/repositories/coverage-write.repository';
import { TicketEventWriteRepository } from '../../src/tickets/repositories/ticket-event-write.repository';
import { TicketLinkWriteRepository } from '../../src/tickets/repositories/ticket-link-write.repository';
import { createTestDatabase, TestDatabase } from '../support/test-database';

interface Statement {
  sql: string;
  params: unknown[];
}

const ticket = (id: number, subject: string) => ({
  external_id: id,
  subject,
  excerpt: 'excerpt',
  status: 'open',
  priority: 'normal',
  channel: 'email',
  via: 'email',
  language: 'en',
  customer_external_id: 7,
  customer_email: 'c@example.com',
  customer_name: 'C',
  tags: [],
  messages_count: 1,
  spam: false,
  assignee_external_id: null,
  team_external_id: null,
  snoozed_until: null,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: `2026-01-0${id}T00:00:00Z`,
  opened_at: null,
  closed_at: null,
  last_message_at: null,
  trashed_at: null,
  payload: { id },
});
const message = (id: number, ticketId: number) => ({
  external_id: id,
  ticket_external_id: ticketId,
  channel: 'email',
  via: 'email',
  from_agent: false,
  public: true,
  sender_email: 's@example.com',
  sender_name: 'S',
  receiver_email: null,
  receiver_name: null,
  subject: 'Re',
  body_text: 'the parcel never arrived',
  body_html: null,
  stripped_text: null,
  body_original_length: null,
  attachments: [],
  created_at: '2026-01-01T00:00:00Z',
  sent_at: null,
  failed_at: null,
  deleted_at: null,
  source_version: '2026-01-01T00:00:00Z',
  payload: { id },
});

/**
 * Item 2 of issue 23, checked on the cluster: the statements the product really sends (recorded from the
 * repositories, not rewritten here) for the sync's writes, the ticket reads with search and loaders, and the
 * feed are each answered by one worker: EXPLAIN shows a Citus router plan with one task. The feed's position
 * reads touch only the coordinator-local log (no Citus scan at all).
 */
describe('every tenant-scoped statement is a one-task router plan on Citus', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let explain: Client;
  const log: Statement[] = [];
  const recorder = { query: (sql: string, params: unknown[] = []) => (log.push({ sql, params }), ds.query(sql, params)) };
  const reads = { rows: (sql: string, params: unknown[]) => recorder.query(sql, params) } as unknown as PreparedReads;
  const scope = { tenantId: 'tenant-router', connectorId: '' };

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, migrations, logging: false });
    await ds.initialize();
    await runMigrationsLocked(ds);
    // Other tenants, so that the tables have rows on both workers.
    for (const tenant of ['tenant-router', 'tenant-a', 'tenant-b', 'tenant-c']) {
      const [c] = await ds.query(
        `INSERT INTO connectors (tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
         VALUES ($1, 'c', 'a@example.com', $1, 'x', 'k', 'abcd', 'ACTIVE') RETURNING id`,
        [tenant],
      );
      if (tenant === scope.tenantId) scope.connectorId = c.id;
    }
    explain = new Client({ connectionString: db.url });
    await explain.connect();
  });
  afterAll(async () => {
    await explain?.end();
    await ds?.destroy();
    await db?.drop();
  });

  /** The Citus part of each recorded statement's plan: its task count, or 'local' when no distributed table is read. */
  async function tasksOf(statements: Statement[]): Promise<string[]> {
    const out: string[] = [];
    for (const s of statements) {
      const { rows } = await explain.query(`EXPLAIN ${s.sql}`, s.params);
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      const counts = [...plan.matchAll(/Task Count: (\d+)/g)].map((m) => m[1]);
      if (process.env.SHOW_PLANS) console.log(`${s.sql}\n${plan}`);
      // A statement with a CTE or subquery may run as several Citus steps: each must be one task.
      out.push(!plan.includes('Citus') ? 'local' : counts.every((n) => n === '1') ? 'tasks 1' : `tasks ${counts.join(',')}`);
    }
    return out;
  }

  async function recorded(action: () => Promise<unknown>): Promise<Statement[]> {
    log.length = 0;
    await action();
    return [...log];
  }

  it('the sync writes: tickets with customers, messages, soft deletes, reconcile reads', async () => {
    const writer = new TicketWriteRepository();
    const reconcile = new TicketReconcileRepository();
    const m = recorder as unknown as EntityManager;
    const statements = await recorded(async () => {
      await writer.upsertMessages(m, scope, [message(101, 1), message(102, 2)]);
      const customers = [{ external_id: 7, email: 'c@example.com', name: 'C', payload: {}, source_version: '2026-01-01T00:00:00Z' }];
      await writer.upsertTickets(m, scope, { tickets: [ticket(1, 'parcel lost'), ticket(2, 'refund')], customers });
      // Stored rows again, changed: the UPDATE of stored rows (joined to themselves as they were) and the description refresh.
      await writer.upsertMessages(m, scope, [{ ...message(101, 1), body_text: 'the parcel arrived' }, message(102, 2)]);
      const renamed = [{ ...customers[0], name: 'C2', source_version: '2026-01-02T00:00:00Z' }];
      await writer.upsertTickets(m, scope, {
        tickets: [{ ...ticket(1, 'parcel found'), updated_at: '2026-01-05T00:00:00Z' }],
        customers: renamed,
      });
      // A batch of pages prepared when read: the rows as jsonb's binary form (a Buffer parameter).
      await writer.upsertMessages(m, scope, [message(103, 1)], jsonbParam([pageJsonBytes([message(103, 1)])]));
      // Trashed tickets stored together: their unlisted messages in one statement, then the reconciled mark.
      await writer.markUnlistedMessagesDeletedMany(m, scope, [
        { ticketExternalId: '1', listedIds: [101, 103] },
        { ticketExternalId: '2', listedIds: [] },
      ]);
      await reconcile.markManyReconciled(m, scope, ['1', '2']);
      await writer.markTicketsDeleted(m, scope, ['2'], new Date());
      await reconcile.findMessageCountMismatches(m, scope, 10);
      await reconcile.findMessagePlacements(m, scope, ['101']);
    });
    expect(statements.length).toBeGreaterThanOrEqual(8);
    expect(statements.filter((s) => /^UPDATE (tickets|messages|customers) t SET .* FROM jsonb_to_recordset/s.test(s.sql))).toHaveLength(3);
    // The transaction's id for a new ticket's feed stamp is the coordinator's: read there, on its own.
    const local = (s: Statement) => /^SELECT pg_current_xact_id\(\)/.test(s.sql);
    expect(await tasksOf(statements)).toEqual(statements.map((s) => (local(s) ? 'local' : 'tasks 1')));
  });

  it("issue 24's writes: agents, teams, tags, surveys, field definitions, a ticket's links, a tag merge, histories", async () => {
    const coverage = new CoverageWriteRepository();
    const links = new TicketLinkWriteRepository();
    const events = new TicketEventWriteRepository();
    const m = recorder as unknown as EntityManager;
    const statements = await recorded(async () => {
      await coverage.upsertAgents(m, scope, [{ external_id: 1, name: 'A', email: 'a@x.test', role: 'agent', active: true }]);
      await coverage.upsertTeams(m, scope, [{ external_id: 2, name: 'T' }]);
      await coverage.upsertTags(m, scope, [{ external_id: 3, name: 'vip' }]);
      await coverage.upsertTags(m, scope, [{ external_id: 4, name: 'new' }], true);
      const survey = {
        external_id: 5,
        ticket_external_id: 1,
        score: 4,
        body_text: null,
        sent_at: null,
        scored_at: null,
        source_created_at: null,
      };
      await coverage.upsertSurveys(m, scope, [survey]);
      await coverage.upsertCustomFieldDefinitions(m, scope, [
        { external_id: 6, label: 'L', data_type: 'text', object_type: 'Ticket', deactivated_at: null },
      ]);
      await coverage.unscoredSurveys(m, scope, new Date(0), 10);
      await coverage.markDeleted(m, scope, 'agents', ['1'], new Date());
      await coverage.agentsNamedButMissing(m, scope, 10);
      await coverage.allLiveIds(m, scope, 'tags');
      await coverage.markTagMerged(m, scope, '3', '4', new Date());
      // Ticket 1 as the test above left it (its second write): links are replaced only for the stored version.
      const version = [{ external_id: 1, updated_at: '2026-01-05T00:00:00Z' }];
      await links.replace(
        m,
        scope,
        version,
        [{ ticket_external_id: 1, tag_external_id: 3 }],
        [{ ticket_external_id: 1, field_external_id: 6, value: 'x' }],
      );
      await links.retag(m, scope, '3', '4');
      await events.ticketStates(m, scope, ['1']);
      await events.tagNames(m, scope, ['3']);
      await events.insert(m, scope, [
        {
          external_id: 9,
          ticket_external_id: 1,
          type: 'ticket-assigned',
          at: '2026-01-01T00:00:00Z',
          actor_external_id: null,
          assignee_external_id: 1,
          team_external_id: null,
          status: null,
          tags_added: [],
          tags_removed: [],
        },
      ]);
    });
    expect(statements.length).toBeGreaterThanOrEqual(18);
    // The links' statements ran (they are skipped when the version given is not the stored one).
    expect(statements.some((st) => /DELETE FROM ticket_tags/.test(st.sql))).toBe(true);
    expect(await tasksOf(statements)).toEqual(statements.map(() => 'tasks 1'));
  });

  it('the ticket reads: list, search (both steps), by id, message pages, customers, counts', async () => {
    const tickets = new TicketRepository(reads);
    const messages = new MessageRepository(reads);
    const service = new TicketsService(tickets, messages, new CustomerRepository(reads));
    const user = { tenantId: scope.tenantId, role: 'reader' as const };
    const statements = await recorded(async () => {
      // Ticket 2 was soft-deleted above: the list shows ticket 1.
      const page = await service.list(user, null, 10);
      expect(page.map((t) => t.external_id)).toEqual(['1']);
      // "parcel" is in ticket 1's subject and message 101: the walk finds it; "nowhere" takes the GIN step too.
      expect((await service.list(user, { search: 'parcel' } as never, 10)).map((t) => t.external_id)).toEqual(['1']);
      await service.list(user, { search: 'nowhere' } as never, 10);
      await tickets.findById(scope.tenantId, page[0].id);
      await messages.pages(scope.tenantId, [{ id: page[0].id, connectorId: scope.connectorId, externalId: '1' }], 5, undefined, false);
      await new CustomerRepository(reads).findByKeys(scope.tenantId, [{ connectorId: scope.connectorId, externalId: '7' }]);
      await tickets.countsByConnector(scope.tenantId, [scope.connectorId]);
      await messages.countsByConnector(scope.tenantId, [scope.connectorId]);
    });
    expect(statements.length).toBeGreaterThanOrEqual(8);
    expect(await tasksOf(statements)).toEqual(statements.map(() => 'tasks 1'));
  });

  it('the feed: positions on the coordinator alone, then the tickets on the tenant node', async () => {
    const feed = new TicketChangeRepository(recorder as unknown as DataSource);
    const statements = await recorded(async () => {
      await ds.transaction((m) =>
        feed.record({ query: (sql: string, p: unknown[]) => (log.push({ sql, params: p }), m.query(sql, p)) } as never, scope, ['1', '2']),
      );
      const page = await feed.page({ tenantId: scope.tenantId }, undefined, 10);
      expect(page.map((e) => e.row.external_id)).toEqual(['1', '2']);
      expect(await feed.count({ tenantId: scope.tenantId, connectorId: scope.connectorId }, undefined)).toBe(2);
    });
    const plans = await tasksOf(statements);
    // The positions given, the log, the horizon and the position reads are local; the stamp and each ticket read one task.
    expect(plans.filter((p) => p !== 'local')).toEqual(['tasks 1', 'tasks 1', 'tasks 1']);
    expect(plans.filter((p) => p === 'local').length).toBeGreaterThanOrEqual(4);
  });

  it("main's webhook budget, operator actions, last check, secret replacement and the feed probe: one task or local", async () => {
    const wrap = (m: EntityManager) => ({ query: (sql: string, p: unknown[] = []) => (log.push({ sql, params: p }), m.query(sql, p)) });
    const source = {
      ...recorder,
      manager: recorder,
      transaction: <T>(work: (m: EntityManager) => Promise<T>) => ds.transaction((m) => work(wrap(m) as unknown as EntityManager)),
    } as unknown as DataSource;
    const walkStartedAt = new Date();
    const requests = new TicketRefreshRequestRepository(source);
    const budgets = new WebhookBudgetRepository(source);
    const statements = await recorded(async () => {
      expect(await requests.record(scope, '1', 10)).toBe('RECORDED');
      await requests.record(scope, '2', 1); // over the cap: the walk marker
      const { requests: first } = await requests.pending(scope, 10);
      await ds.transaction((m) => requests.complete(wrap(m) as unknown as EntityManager, scope, first));
      await ds.transaction((m) => budgets.rememberMissing(wrap(m) as unknown as EntityManager, scope, '3', 60_000));
      await budgets.requestWalk(scope);
      await budgets.callsSpent(scope.connectorId, null);
      await ds.transaction((m) => requests.completeReceivedBefore(wrap(m) as unknown as EntityManager, scope, walkStartedAt));
      await new ConnectorsRepository(source).recordCheck(scope.tenantId, scope.connectorId, { ok: true, code: 'OK', message: 'ok' });
      await new ConnectorsRepository(source).recordCheck(scope.tenantId, scope.connectorId, null);
      await new ConnectorWebhookRepository(source).replaceSecretIf(scope, { ciphertext: 'a', keyId: 'k' }, { ciphertext: 'b', keyId: 'k' });
      const control = new SyncRunControlRepository(source);
      await ds.transaction((m) => control.retryNow(wrap(m) as unknown as EntityManager, scope));
      await ds.transaction((m) => control.cancelActive(wrap(m) as unknown as EntityManager, scope, { pollSeconds: 60 }));
      await new SyncQuarantineRepository(source).recent(scope, 10);
      await new TicketChangeRepository(source).probe({ tenantId: scope.tenantId, connectorId: scope.connectorId });
    });
    const plans = await tasksOf(statements);
    expect(plans.filter((p) => p !== 'local' && p !== 'tasks 1')).toEqual([]);
    expect(plans.filter((p) => p === 'tasks 1').length).toBeGreaterThanOrEqual(15);
  });

  it("the webhook intake's secret lookup: the tenant from the coordinator's directory, then one task", async () => {
    // What ConnectorsService's create writes beside the connector (the seed above inserts connectors directly).
    await ds.query(`INSERT INTO connector_directory (connector_id, tenant_id) SELECT id, tenant_id FROM connectors ON CONFLICT DO NOTHING`);
    await ds.query(
      `INSERT INTO connector_webhooks (connector_id, tenant_id, state, url, secret_ciphertext, secret_key_id)
       SELECT id, tenant_id, 'REGISTERED', 'https://gw.example/webhooks', 'cipher-' || tenant_id, 'k' FROM connectors`,
    );
    const webhooks = new ConnectorWebhookRepository(recorder as unknown as DataSource);
    const statements = await recorded(async () => {
      expect(await webhooks.findSecret(scope.connectorId)).toMatchObject({
        tenantId: scope.tenantId,
        secretCiphertext: 'cipher-tenant-router',
      });
      expect(await webhooks.findSecret('00000000-0000-4000-8000-000000000000')).toBeNull();
    });
    // Before the directory, the one lookup by connector id read every shard of connector_webhooks and connectors.
    expect(await tasksOf(statements)).toEqual(['local', 'tasks 1', 'local']);
  });
});
