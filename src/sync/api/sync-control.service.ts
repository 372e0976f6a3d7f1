import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { appConfig, AppConfig } from '../../config/app.config';
import { ConnectorsService } from '../../connectors/connectors.service';
import { SyncSignals } from '../signals/sync-signals';
import { SyncQuarantineRepository } from '../repositories/sync-quarantine.repository';
import { SyncRunControlRepository } from '../repositories/sync-run-control.repository';
import { SyncRunRow } from '../repositories/sync-run.row';
import { SyncLogService } from '../sync-log.service';

/** "Cancel sync", "Retry now" and the refused records of a connector. */
@Injectable()
export class SyncControlService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly control: SyncRunControlRepository,
    private readonly quarantine: SyncQuarantineRepository,
    private readonly connectors: ConnectorsService,
    private readonly logs: SyncLogService,
    private readonly bus: SyncSignals,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  /** Cancels the current run, keeping the connector ACTIVE; null when nothing was queued or running. */
  async cancel(user: AuthUser, connectorId: string): Promise<SyncRunRow | null> {
    const connector = await this.connectors.get(user, connectorId);
    const run = await this.dataSource.transaction(async (m) => {
      const poll = { pollSeconds: this.config.sync.pollSeconds };
      const scope = { tenantId: connector.tenantId, connectorId: connector.id };
      const cancelled = await this.control.cancelActive(m, scope, poll);
      if (cancelled) {
        const every = Math.min(poll.pollSeconds, connector.syncIntervalMinutes * 60);
        await this.logs.info(
          { ...scope, runId: cancelled.id },
          `Sync cancelled by an operator. Data synced so far is kept; the next poll runs on schedule (in ${every} s) or with Sync now.`,
          m,
        );
      }
      return cancelled;
    });
    if (run) {
      await this.bus.publish({
        connectorId: connector.id,
        tenantId: connector.tenantId,
        runId: run.id,
        status: run.status,
        phase: run.phase,
        ticketsSynced: run.ticketsSynced,
        messagesSynced: run.messagesSynced,
        ticketsTotal: run.ticketsTotal,
        percent: run.percent,
        at: new Date().toISOString(),
      });
    }
    return run;
  }

  /** Ends the wait of a run that waits to retry; null when no run is queued. */
  async retryNow(user: AuthUser, connectorId: string): Promise<SyncRunRow | null> {
    const connector = await this.connectors.get(user, connectorId);
    return this.dataSource.transaction(async (m) => {
      const run = await this.control.retryNow(m, { tenantId: connector.tenantId, connectorId: connector.id });
      if (run) await this.bus.wakeUp(m);
      return run;
    });
  }

  async quarantined(user: AuthUser, connectorId: string, first: number) {
    const connector = await this.connectors.get(user, connectorId);
    return this.quarantine.recent({ tenantId: user.tenantId, connectorId: connector.id }, first);
  }
}
