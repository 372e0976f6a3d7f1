import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GraphQLError } from 'graphql';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../../auth/auth-user';
import { badUserInput } from '../../common/graphql-errors';
import { ConnectorLifecycle } from '../../connectors/connector-lifecycle';
import { ConnectorsService } from '../../connectors/connectors.service';
import { ConnectorEntity } from '../../connectors/entities/connector.entity';
import { SyncSignals } from '../signals/sync-signals';
import { SyncRunRepository } from '../repositories/sync-run.repository';
import { SyncRunRow } from '../repositories/sync-run.row';
import { SyncLogService } from '../sync-log.service';
import { SyncMode } from '../sync-run.types';

/** Starts runs: "sync now", connector activation; and cancels queued runs when a connector is paused. */
@Injectable()
export class SyncTriggerService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: SyncRunRepository,
    private readonly connectors: ConnectorsService,
    private readonly lifecycle: ConnectorLifecycle,
    private readonly logs: SyncLogService,
    private readonly bus: SyncSignals,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register({
      activated: async (m, connector) => {
        await this.enqueue(m, connector, SyncMode.INCREMENTAL, 'ACTIVATE');
        await this.logs.info(
          { tenantId: connector.tenantId, connectorId: connector.id },
          'Connector activated; the initial sync starts now.',
          m,
        );
      },
      paused: async (m, connector) => {
        await this.runs.cancelQueued(m, connector.id);
        await this.logs.info(
          { tenantId: connector.tenantId, connectorId: connector.id },
          'Connector paused; scheduled syncs stop until it is activated again.',
          m,
        );
      },
    });
  }

  /** "Sync now": returns the run already queued or running, if any, else a new one. */
  async trigger(user: AuthUser, connectorId: string, mode: SyncMode): Promise<SyncRunRow> {
    if (mode === SyncMode.REFRESH) {
      throw badUserInput(
        'mode: REFRESH runs are started by Gorgias webhooks; ask for INCREMENTAL (what changed) or FULL (everything).',
        'mode',
      );
    }
    const connector = await this.connectors.get(user, connectorId);
    if (connector.status === 'DRAFT' || connector.status === 'PAUSED') {
      throw new GraphQLError(`Connector ${connector.id} is ${connector.status}: activate it (Save & Activate) before syncing.`, {
        extensions: { code: 'FAILED_PRECONDITION' },
      });
    }
    return this.dataSource.transaction((m) => this.enqueue(m, connector, mode, 'MANUAL'));
  }

  private async enqueue(m: EntityManager, connector: ConnectorEntity, mode: SyncMode, trigger: string): Promise<SyncRunRow> {
    const run = await this.runs.enqueue(m, { tenantId: connector.tenantId, connectorId: connector.id }, mode, trigger);
    // Sent through the enqueuing transaction: every instance's scheduler (ours too, through its own
    // LISTEN connection) hears it at COMMIT, when the run can be claimed, and never if it rolls back.
    await this.bus.wakeUp(m);
    return run;
  }
}
