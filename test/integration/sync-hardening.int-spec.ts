import { GorgiasEvent, GorgiasMessage, GorgiasPage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { toCustomerRows } from '../../src/gorgias/mappers/customer.mapper';
import { toMessageRows } from '../../src/gorgias/mappers/message.mapper';
import { toTicketRows } from '../../src/gorgias/mappers/ticket.mapper';
import { RunServices } from '../../src/sync/engine/session/run-session';
import { EventsStage } from '../../src/sync/engine/stages/events.stage';
import { MessagesStage } from '../../src/sync/engine/stages/messages.stage';
import { ReconcileStage } from '../../src/sync/engine/stages/reconcile.stage';
import { SweepStage } from '../../src/sync/engine/stages/sweep.stage';
import { TicketsStage } from '../../src/sync/engine/stages/tickets.stage';
import { TicketRefresher } from '../../src/sync/engine/source/ticket-refresher';
import { LeaseLostError } from '../../src/sync/repositories/lease-lost.error';
import { SyncMode } from '../../src/sync/sync-run.types';
import { MAX_CLAIM_ATTEMPTS, WATERMARK_FUTURE_SKEW_MS } from '../../src/sync/sync.constants';
import { TicketReconcileRepository } from '../../src/tickets/repositories/ticket-reconcile.repository';
import { PlannerStatisticsRepository } from '../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';
import { claimedRun, coverageEvents, runServices, sessionOf } from './support/run-harness';

const write = new TicketWriteRepository();
const reconcile = new TicketReconcileRepository();
const statistics = new PlannerStatisticsRepository();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function account(tickets: number, messagesPerTicket = 2): FakeGorgiasClient {
  const g = new FakeGorgiasClient();
  for (let t = 1; t <= tickets; t++) {
    const at = new Date(Date.UTC(2025, 0, 1) + t * 60_000).toISOString();
    g.putTicket({
      id: t,
      status: 'open',
      subject: `T${t}`,
      messages_count: messagesPerTicket,
      created_datetime: at,
      updated_datetime: at,
      customer: { id: 1, email: 'c@x' },
    });
    for (let n = 1; n <= messagesPerTicket; n++)
      g.putMessage({ id: t * 10 + n, ticket_id: t, body_text: `m${t}.${n}`, created_datetime: at });
  }
  return g;
}

/** A Gorgias that takes its time: each call answers after `ms`. */
class SlowGorgias extends FakeGorgiasClient {
  constructor(private readonly ms: number) {
    super();
  }
  override async listTickets(p: Parameters<FakeGorgiasClient['listTickets']>[0]): Promise<GorgiasPage<GorgiasTicket>> {
    await sleep(this.ms);
    return super.listTickets(p);
  }
  override async listMessages(p: Parameters<FakeGorgiasClient['listMessages']>[0]): Promise<GorgiasPage<GorgiasMessage>> {
    await sleep(this.ms);
    return super.listMessages(p);
  }
  override async listEvents(p: Parameters<FakeGorgiasClient['listEvents']>[0]): Promise<GorgiasPage<GorgiasEvent>> {
    await sleep(this.ms);
    return super.listEvents(p);
  }
  override async getTicket(id: number): Promise<GorgiasTicket> {
    await sleep(this.ms);
    return super.getTicket(id);
  }
}

describe('leases: writes fenced by claim (M3)', () => {
  let db: IntegrationDb;
  let services: RunServices;
  beforeAll(async () => {
    db = await openIntegrationDb();
    services = runServices(db);
  });
  afterAll(() => db?.close());

  it('an execution whose renewals stalled past the lease stops writing; the new claim wins, even on the same instance', async () => {
    const { run: first } = await claimedRun(db, services, 'instance-a');
    // Renewals stalled (a long GC pause, a frozen VM): the lease ran out while the execution still runs.
    await db.ds.query(`UPDATE sync_runs SET lease_expires_at = now() - interval '1 second' WHERE id = $1`, [first.id]);
    // Its own scheduler never claims a run it is still executing...
    expect(await services.runs.claim('instance-a', 4, 60, MAX_CLAIM_ATTEMPTS, [first.id])).toEqual([]);
    // ...but a claim that does not know (another instance, or this one after a restart of its tick) takes it over.
    const [second] = await services.runs.claim('instance-a', 4, 60);
    expect(second.id).toBe(first.id);
    expect(second.leaseToken).not.toBe(first.leaseToken);

    const gorgias = account(150);
    const stale = sessionOf(first, gorgias.asClient(), services);
    const fresh = sessionOf(second, gorgias.asClient(), services);
    stale.checkpoint = { stage: 'messages', initial: true };
    fresh.checkpoint = { stage: 'messages', initial: true };
    const [staleResult, freshResult] = await Promise.allSettled([
      new MessagesStage(write, statistics).run(stale, 'tickets', {}),
      new MessagesStage(write, statistics).run(fresh, 'tickets', {}),
    ]);
    expect(freshResult.status).toBe('fulfilled');
    expect(staleResult.status === 'rejected' && staleResult.reason).toBeInstanceOf(LeaseLostError);
    expect(await services.runs.renewLease({ id: first.id, token: first.leaseToken! }, 60)).toBe(false);
    const [saved] = await db.ds.query(`SELECT messages_synced, checkpoint FROM sync_runs WHERE id = $1`, [first.id]);
    expect(saved).toMatchObject({ messages_synced: 300, checkpoint: { stage: 'tickets' } });
  });
});

describe('no stage holds a transaction open across a Gorgias call', () => {
  let db: IntegrationDb;
  beforeAll(async () => {
    // PostgreSQL ends any session idle inside a transaction for longer than this: a stage waiting on Gorgias inside one fails.
    db = await openIntegrationDb({ idle_in_transaction_session_timeout: 200 });
  });
  afterAll(() => db?.close());

  it('the check works: a transaction that waits on a slow Gorgias call is ended by PostgreSQL', async () => {
    const slow = new SlowGorgias(600);
    await expect(
      db.ds.transaction(async (m) => {
        await m.query('SELECT 1');
        await slow.listTickets({ limit: 1 });
        await m.query('SELECT 1');
      }),
    ).rejects.toThrow();
  });

  it('every stage of a FULL run (lists, reconcile re-reads, events, sweep) with a Gorgias slower than the timeout', async () => {
    const services = runServices(db);
    const slow = new SlowGorgias(400);
    for (const [, t] of account(120).tickets) slow.putTicket(t);
    for (const [, m] of account(120).messages) slow.putMessage(m);
    const { scope, run } = await claimedRun(db, services, 'slow', SyncMode.FULL);
    const s = sessionOf(run, slow.asClient(), services);
    s.checkpoint = { stage: 'messages', initial: true };
    await new MessagesStage(write, statistics).run(s, 'tickets', {});
    slow.putMessage({ id: 9_999, ticket_id: 5, body_text: 'late', created_datetime: '2025-01-01T00:05:00Z' });
    slow.putTicket({ ...slow.tickets.get(5)!, messages_count: 3 });
    await new TicketsStage(write, statistics).run(s, 'reconcile', {});
    await new ReconcileStage(reconcile, new TicketRefresher(write, reconcile), statistics).run(s, 'events');
    slow.events.push({ id: 1, type: 'ticket-deleted', object_type: 'Ticket', object_id: 7, created_datetime: new Date().toISOString() });
    // Not a ticket id: skipped, not a failed run.
    slow.events.push({
      id: 2,
      type: 'ticket-deleted',
      object_type: 'Ticket',
      object_id: 'seven' as never,
      created_datetime: new Date().toISOString(),
    });
    s.checkpoint.initial = false;
    await new EventsStage(write, reconcile, new TicketRefresher(write, reconcile), coverageEvents()).run(s, 'sweep', {
      events: new Date(Date.now() - 60_000),
    });
    await new SweepStage(write).run(s, 'done');
    expect(s.checkpoint.stage).toBe('done');
    const [counts] = await db.ds.query(
      `SELECT (SELECT count(*)::int FROM messages WHERE connector_id = $1) AS messages,
              (SELECT count(*)::int FROM tickets WHERE connector_id = $1 AND deleted_at IS NOT NULL) AS deleted`,
      [scope.connectorId],
    );
    expect(counts).toEqual({ messages: 241, deleted: 1 });
  });
});

describe('watermarks (L1); suspicious walks: walk-completeness.int-spec.ts', () => {
  let db: IntegrationDb;
  let services: RunServices;
  beforeAll(async () => {
    db = await openIntegrationDb();
    services = runServices(db);
  });
  afterAll(() => db?.close());

  it('a future-dated record cannot freeze incremental walks: the watermark is clamped to the run start', async () => {
    const gorgias = account(20);
    gorgias.putTicket({ ...gorgias.tickets.get(3)!, updated_datetime: '2099-01-01T00:00:00Z' });
    const { scope, run } = await claimedRun(db, services, 'clock');
    const s = sessionOf(run, gorgias.asClient(), services);
    s.checkpoint = { stage: 'tickets', initial: true };
    await new TicketsStage(write, statistics).run(s, 'reconcile', {});
    const marks = await services.cursors.watermarks(scope.connectorId);
    expect(marks.tickets!.getTime()).toBeLessThanOrEqual(run.startedAt!.getTime() + WATERMARK_FUTURE_SKEW_MS);

    // Next incremental run: a ticket changed since is read.
    await db.ds.query(`UPDATE sync_runs SET status = 'SUCCEEDED', lease_token = NULL WHERE id = $1`, [run.id]);
    gorgias.putTicket({ ...gorgias.tickets.get(10)!, subject: 'changed', updated_datetime: new Date().toISOString() });
    await db.ds.transaction((m) => services.runs.enqueue(m, scope, SyncMode.INCREMENTAL, 'MANUAL'));
    const [next] = await services.runs.claim('clock', 1, 60);
    const s2 = sessionOf(next, gorgias.asClient(), services);
    s2.checkpoint = { stage: 'tickets', initial: false };
    await new TicketsStage(write, statistics).run(s2, 'reconcile', marks);
    const [row] = await db.ds.query(`SELECT subject FROM tickets WHERE connector_id = $1 AND external_id = 10`, [scope.connectorId]);
    expect(row.subject).toBe('changed');
  });
});

describe('message and customer upserts keep the newer version (L7)', () => {
  let db: IntegrationDb;
  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  it('an older copy written late changes nothing', async () => {
    const scope = await seedConnector(db.ds);
    const ticket = (updated: string, email: string): GorgiasTicket => ({
      id: 1,
      status: 'open',
      created_datetime: '2025-01-01T00:00:00Z',
      updated_datetime: updated,
      customer: { id: 9, email },
    });
    const m = db.ds.manager;
    await write.upsertTickets(m, scope, {
      tickets: toTicketRows([ticket('2025-01-03T00:00:00Z', 'new@x')]),
      customers: toCustomerRows([ticket('2025-01-03T00:00:00Z', 'new@x')]),
    });
    await write.upsertTickets(m, scope, {
      tickets: toTicketRows([ticket('2025-01-02T00:00:00Z', 'old@x')]),
      customers: toCustomerRows([ticket('2025-01-02T00:00:00Z', 'old@x')]),
    });
    const [customer] = await db.ds.query(`SELECT email FROM customers WHERE connector_id = $1 AND external_id = 9`, [scope.connectorId]);
    expect(customer.email).toBe('new@x');

    const deleted: GorgiasMessage = {
      id: 5,
      ticket_id: 1,
      body_text: 'hi',
      created_datetime: '2025-01-01T00:00:00Z',
      deleted_datetime: '2025-01-04T00:00:00Z',
    };
    const before: GorgiasMessage = { id: 5, ticket_id: 1, body_text: 'hi', created_datetime: '2025-01-01T00:00:00Z' };
    await write.upsertMessages(m, scope, toMessageRows([deleted]));
    const late = await write.upsertMessages(m, scope, toMessageRows([before]));
    expect(late.changedTicketIds).toEqual([]);
    const [msg] = await db.ds.query(`SELECT deleted_at FROM messages WHERE connector_id = $1 AND external_id = 5`, [scope.connectorId]);
    expect(msg.deleted_at).toEqual(new Date('2025-01-04T00:00:00Z'));
  });
});
