import { GorgiasPage, GorgiasTicket } from '../../src/gorgias/gorgias.types';
import { toTicketRows } from '../../src/gorgias/mappers/ticket.mapper';
import { RunServices } from '../../src/sync/engine/session/run-session';
import { SweepStage } from '../../src/sync/engine/stages/sweep.stage';
import { TicketsStage } from '../../src/sync/engine/stages/tickets.stage';
import { SyncMode } from '../../src/sync/sync-run.types';
import { PlannerStatisticsRepository } from '../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { claimedRun, runServices, sessionOf } from './support/run-harness';

const write = new TicketWriteRepository();

/** A Gorgias that ends the creation-order walk after its first page (no next cursor) although more tickets follow. */
class CuttingGorgias extends FakeGorgiasClient {
  override async listTickets(p: Parameters<FakeGorgiasClient['listTickets']>[0] = {}): Promise<GorgiasPage<GorgiasTicket>> {
    const page = await super.listTickets(p);
    return p.order_by === 'created_datetime:desc' && (p.limit ?? 0) > 1 ? { ...page, meta: { ...page.meta, next_cursor: null } } : page;
  }
}

function seed<T extends FakeGorgiasClient>(g: T, tickets: number): T {
  for (let t = 1; t <= tickets; t++) {
    const at = new Date(Date.UTC(2025, 0, 1) + t * 60_000).toISOString();
    g.putTicket({ id: t, status: 'open', subject: `T${t}`, messages_count: 0, created_datetime: at, updated_datetime: at });
  }
  return g;
}

describe('whole-list walks: incomplete only on evidence, never because the last page was full', () => {
  let db: IntegrationDb;
  let services: RunServices;
  beforeAll(async () => {
    db = await openIntegrationDb();
    services = runServices(db);
  });
  afterAll(() => db?.close());

  /** A FULL run's tickets walk and sweep, with ticket 500 stored earlier and gone from Gorgias. */
  async function fullSweep(gorgias: FakeGorgiasClient) {
    const { scope, run } = await claimedRun(db, services, 'sweep', SyncMode.FULL);
    await write.upsertTickets(db.ds.manager, scope, {
      tickets: toTicketRows([
        { id: 500, status: 'open', created_datetime: '2024-01-01T00:00:00Z', updated_datetime: '2024-01-01T00:00:00Z' },
      ]),
      customers: [],
    });
    await db.ds.query(`UPDATE tickets SET synced_at = now() - interval '1 hour' WHERE connector_id = $1`, [scope.connectorId]);
    const s = sessionOf(run, gorgias.asClient(), services);
    s.checkpoint = { stage: 'tickets', initial: true };
    await new TicketsStage(write, new PlannerStatisticsRepository()).run(s, 'reconcile', {});
    s.advance('sweep');
    await new SweepStage(write).run(s, 'done');
    const [gone] = await db.ds.query(`SELECT deleted_at FROM tickets WHERE connector_id = $1 AND external_id = 500`, [scope.connectorId]);
    const warns = await db.ds.query(`SELECT message FROM sync_log_entries WHERE run_id = $1 AND level = 'WARN' ORDER BY id`, [run.id]);
    return { deletedAt: gone.deleted_at, warns: warns.map((w: { message: string }) => w.message), deleted: s.tally.ticketsDeleted };
  }

  it('200 tickets (two full pages, no next cursor on the second): the walk is complete and the sweep runs, without a WARN', async () => {
    const gorgias = seed(new FakeGorgiasClient(), 200);
    const result = await fullSweep(gorgias);
    expect(result.warns).toEqual([]);
    expect(result.deletedAt).not.toBeNull();
    expect(result.deleted).toBe(1);
    // The oldest ticket, read at the start for the progress estimate, proves the end: no confirming call.
    // Calls: the oldest, the top, two pages.
    expect(gorgias.stats.requests).toBe(4);
  });

  it('a list Gorgias ends while it still lists older tickets is named at WARN, and the sweep then marks nothing deleted', async () => {
    const result = await fullSweep(seed(new CuttingGorgias(), 150));
    expect(result.deletedAt).toBeNull();
    expect(result.warns).toEqual([
      expect.stringMatching(/^Gorgias ended the tickets list without a next page, but still lists an older ticket \(1, .*\) .*cut short/),
      expect.stringMatching(/^No ticket was marked deleted/),
    ]);
  });

  it('the oldest ticket deleted during the walk is no evidence of a cut: one confirming call, and the sweep runs', async () => {
    const gorgias = seed(new FakeGorgiasClient(), 120);
    // The oldest ticket goes between the start (read for the estimate) and the end of the walk.
    const listTickets = gorgias.listTickets.bind(gorgias);
    gorgias.listTickets = async (p = {}) => {
      if (p.cursor) gorgias.tickets.delete(1);
      return listTickets(p);
    };
    const result = await fullSweep(gorgias);
    expect(result.warns).toEqual([]);
    expect(result.deletedAt).not.toBeNull();
    expect(gorgias.stats.requests).toBe(5); // oldest, top, two pages, and the one confirming call
  });
});
