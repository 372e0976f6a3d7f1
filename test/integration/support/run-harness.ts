import { CoverageEvents } from '../../../src/sync/engine/events/coverage-events';
import { CoverageWriteRepository } from '../../../src/tickets/repositories/coverage-write.repository';
import { TicketEventWriteRepository } from '../../../src/tickets/repositories/ticket-event-write.repository';
import { TicketLinkWriteRepository } from '../../../src/tickets/repositories/ticket-link-write.repository';
import { RunObserverRegistry } from '../../../src/sync/engine/run-observer';
import { RunServices, RunSession } from '../../../src/sync/engine/session/run-session';
import type { HelpdeskSource } from '../../../src/sync/engine/source/helpdesk-source';
import { SyncCursorRepository } from '../../../src/sync/repositories/sync-cursor.repository';
import { SyncLogRepository } from '../../../src/sync/repositories/sync-log.repository';
import { SyncQuarantineRepository } from '../../../src/sync/repositories/sync-quarantine.repository';
import { SyncRunRepository } from '../../../src/sync/repositories/sync-run.repository';
import { SyncRunRow } from '../../../src/sync/repositories/sync-run.row';
import { SyncLogService } from '../../../src/sync/sync-log.service';
import { SyncMode } from '../../../src/sync/sync-run.types';
import { IntegrationDb, seedConnector } from './integration-db';

/** The engine's services on an integration database, as the executor wires them. */
export function runServices(db: IntegrationDb, leaseSeconds = 60): RunServices {
  return {
    dataSource: db.ds,
    runs: new SyncRunRepository(db.ds),
    cursors: new SyncCursorRepository(db.ds),
    logs: new SyncLogService(new SyncLogRepository(db.ds)),
    observers: new RunObserverRegistry(),
    quarantine: new SyncQuarantineRepository(db.ds),
    leaseSeconds,
  };
}

/** A fresh connector with one queued run of `mode`, claimed by `owner`. */
export async function claimedRun(db: IntegrationDb, services: RunServices, owner: string, mode = SyncMode.INCREMENTAL) {
  const scope = await seedConnector(db.ds);
  await db.ds.transaction((m) => services.runs.enqueue(m, scope, mode, 'MANUAL'));
  const [run] = await services.runs.claim(owner, 1, services.leaseSeconds);
  return { scope, run };
}

/** A session for the claim `run` was returned by (fenced by its token). */
export function sessionOf(run: SyncRunRow, client: HelpdeskSource, services: RunServices): RunSession {
  return new RunSession(run, run.leaseToken!, client, { email: 'a@b', apiKey: 'k', subdomain: 's' }, services);
}

/** Issue 24's part of the events stage, over real repositories (what Nest injects). */
export function coverageEvents(): CoverageEvents {
  return new CoverageEvents(new CoverageWriteRepository(), new TicketEventWriteRepository(), new TicketLinkWriteRepository());
}
