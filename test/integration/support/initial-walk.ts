import type { GorgiasTicket } from '../../../src/gorgias/gorgias.types';
import { RunServices } from '../../../src/sync/engine/session/run-session';
import { TicketsStage } from '../../../src/sync/engine/stages/tickets.stage';
import { SyncRunRow } from '../../../src/sync/repositories/sync-run.row';
import type { WriteScope } from '../../../src/tickets/repositories/ticket-write.repository';
import { PlannerStatisticsRepository } from '../../../src/tickets/repositories/planner-statistics.repository';
import { TicketWriteRepository } from '../../../src/tickets/repositories/ticket-write.repository';
import { FakeGorgiasClient } from './fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './integration-db';
import { reltuplesOf } from './plan-reads';
import { claimedRun, runServices, sessionOf } from './run-harness';

export interface ClaimedRunContext {
  db: IntegrationDb;
  svc: RunServices;
  scope: WriteScope;
  run: SyncRunRow;
}

/** `body` on a fresh database holding one connector with a claimed run; the database is closed after. */
export async function withClaimedRun<T>(owner: string, body: (ctx: ClaimedRunContext) => Promise<T>): Promise<T> {
  const db = await openIntegrationDb();
  try {
    const svc = runServices(db);
    const { scope, run } = await claimedRun(db, svc, owner);
    return await body({ db, svc, scope, run });
  } finally {
    await db.close();
  }
}

/** An initial sync's tickets walk over these tickets, as the engine runs it (its planner statistics included). */
export async function initialTicketsWalk(ctx: ClaimedRunContext, tickets: GorgiasTicket[]): Promise<void> {
  const gorgias = new FakeGorgiasClient();
  for (const t of tickets) gorgias.putTicket(t);
  const s = sessionOf(ctx.run, gorgias.asClient(), ctx.svc);
  s.checkpoint = { stage: 'tickets', initial: true };
  await new TicketsStage(new TicketWriteRepository(), new PlannerStatisticsRepository()).run(s, 'reconcile', {});
}

/**
 * The two cases of a statistics-trap plan spec (feed-stamp-plan, customer-upsert-plan): on a never-analysed
 * `table` grown to `size` rows a statement reads more than half of them (the trap, so the measure can fail);
 * after an initial tickets walk of 300 tickets (`ticket(i)`) analysed the table, grown to `size` the same way,
 * no scan reads more than `page` rows.
 */
export function statisticsTrapCases(spec: {
  owner: string;
  table: string;
  size: number;
  page: number;
  /** Fills the table from row `from` to `size` (the rest of a sync, without statistics taken). */
  grow: (ctx: ClaimedRunContext, from: number) => Promise<void>;
  /** The most rows a scan of `table` read in the statement under test. */
  reads: (ctx: ClaimedRunContext) => Promise<number>;
  ticket: (i: number) => GorgiasTicket;
}): void {
  const WALKED = 300;
  const reltuples = ({ db }: ClaimedRunContext) => reltuplesOf(db.ds, spec.table);
  it(
    `without statistics the statement reads every row of ${spec.table} the connector has (the trap)`,
    () =>
      withClaimedRun(spec.owner, async (ctx) => {
        await spec.grow(ctx, 1);
        expect(await reltuples(ctx)).toBeLessThan(0);
        expect(await spec.reads(ctx)).toBeGreaterThan(spec.size / 2);
      }),
    120_000,
  );
  it(
    `an initial tickets walk analyses ${spec.table} after its first batch; the statement then reads only its page`,
    () =>
      withClaimedRun(spec.owner, async (ctx) => {
        expect(await reltuples(ctx)).toBeLessThan(0);
        await initialTicketsWalk(
          ctx,
          Array.from({ length: WALKED }, (_, i) => spec.ticket(i + 1)),
        );
        // Analysed by the walk, while the table held its first pages only.
        const analysed = await reltuples(ctx);
        expect(analysed).toBeGreaterThan(0);
        expect(analysed).toBeLessThanOrEqual(WALKED);

        await spec.grow(ctx, WALKED + 1);
        expect(await reltuples(ctx)).toBe(analysed); // no statistics taken since: as in the rest of the sync
        expect(await spec.reads(ctx)).toBeLessThanOrEqual(spec.page);
      }),
    120_000,
  );
}
