import { Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { GraphQLError } from 'graphql';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthUser } from '../auth/auth-user';
import { notFound } from '../common/graphql-errors';
import { ConnectorLifecycle } from '../connectors/connector-lifecycle';
import { ConnectorsService } from '../connectors/connectors.service';
import { ConnectorEntity } from '../connectors/entities/connector.entity';
import { SyncLogLevel } from './entities/sync-log-entry.entity';
import { SyncMode, SyncRunEntity } from './entities/sync-run.entity';
import { SyncLogWriter } from './sync-log.writer';
import { SyncProgressBus, SyncProgressEvent } from './sync-progress.bus';
import { RUN_SUMMARY_COLUMNS, SyncRunStore } from './sync-run.store';
import { SyncScheduler } from './sync-scheduler.service';

/** What the API asks of the sync engine: start runs, and read runs, logs and progress of a tenant's connectors. */
@Injectable()
export class SyncService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly runs: SyncRunStore,
    private readonly connectors: ConnectorsService,
    private readonly lifecycle: ConnectorLifecycle,
    private readonly logs: SyncLogWriter,
    private readonly bus: SyncProgressBus,
    @Optional() private readonly scheduler?: SyncScheduler,
  ) {}

  onModuleInit(): void {
    this.lifecycle.register({
      activated: async (m, connector) => {
        await this.enqueue(m, connector, SyncMode.INCREMENTAL, 'ACTIVATE');
        await this.logs.info({ tenantId: connector.tenantId, connectorId: connector.id }, 'Connector activated; the initial sync starts now.', m);
      },
      paused: async (m, connector) => {
        await this.runs.cancelQueued(m, connector.id);
        await this.logs.info({ tenantId: connector.tenantId, connectorId: connector.id }, 'Connector paused; scheduled syncs stop until it is activated again.', m);
      },
    });
  }

  /** "Sync now": returns the run already queued or running, if any, else a new one. */
  async trigger(user: AuthUser, connectorId: string, mode: SyncMode): Promise<SyncRunEntity> {
    const connector = await this.connectors.get(user, connectorId);
    if (connector.status === 'DRAFT' || connector.status === 'PAUSED') {
      throw new GraphQLError(
        `Connector ${connector.id} is ${connector.status}: activate it (Save & Activate) before syncing.`,
        { extensions: { code: 'FAILED_PRECONDITION' } },
      );
    }
    const run = await this.dataSource.transaction((m) => this.enqueue(m, connector, mode, 'MANUAL'));
    return run;
  }

  private async enqueue(m: EntityManager, connector: ConnectorEntity, mode: SyncMode, trigger: string): Promise<SyncRunEntity> {
    const run = await this.runs.enqueue(m, { tenantId: connector.tenantId, connectorId: connector.id }, mode, trigger);
    // After commit: wake every instance's scheduler (and ours at once).
    setImmediate(() => {
      void this.bus.wakeUp().catch(() => undefined);
      void this.scheduler?.tick();
    });
    return run;
  }

  async listRuns(user: AuthUser, connectorId: string, first: number, after?: { createdAt: string; id: string }) {
    await this.connectors.get(user, connectorId);
    const params: unknown[] = [user.tenantId, connectorId, first + 1];
    let keyset = '';
    if (after) {
      params.push(after.createdAt, after.id);
      keyset = `AND (created_at, id) < ($4::timestamptz, $5::uuid)`;
    }
    const rows: SyncRunEntity[] = await this.dataSource.query(
      `SELECT ${RUN_SUMMARY_COLUMNS}
         FROM sync_runs WHERE tenant_id = $1 AND connector_id = $2 ${keyset}
        ORDER BY created_at DESC, id DESC LIMIT $3`,
      params,
    );
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM sync_runs WHERE tenant_id = $1 AND connector_id = $2`, [
      user.tenantId,
      connectorId,
    ]);
    return { rows, totalCount: count as number };
  }

  async listLogs(
    user: AuthUser,
    connectorId: string,
    filter: { runId?: string; level?: SyncLogLevel },
    first: number,
    afterId?: string,
  ) {
    await this.connectors.get(user, connectorId);
    const where = ['tenant_id = $1', 'connector_id = $2'];
    const params: unknown[] = [user.tenantId, connectorId];
    if (filter.runId) where.push(`run_id = $${params.push(filter.runId)}`);
    if (filter.level) where.push(`level = $${params.push(filter.level)}`);
    const [{ count }] = await this.dataSource.query(`SELECT count(*)::int AS count FROM sync_log_entries WHERE ${where.join(' AND ')}`, params);
    if (afterId) where.push(`id < $${params.push(afterId)}`);
    const rows = await this.dataSource.query(
      `SELECT id::text AS id, connector_id AS "connectorId", run_id AS "runId", level, message, at
         FROM sync_log_entries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT $${params.push(first + 1)}`,
      params,
    );
    return { rows, totalCount: count as number };
  }

  /** Latest run of each connector, in one query (DataLoader batch for Connector.latestRun). */
  async latestRuns(connectorIds: readonly string[]): Promise<Map<string, SyncRunEntity>> {
    const rows: SyncRunEntity[] = await this.dataSource.query(
      `SELECT DISTINCT ON (connector_id) ${RUN_SUMMARY_COLUMNS}
         FROM sync_runs WHERE connector_id = ANY($1::uuid[])
        ORDER BY connector_id, created_at DESC, id DESC`,
      [connectorIds],
    );
    return new Map(rows.map((r) => [r.connectorId, r]));
  }

  /** Progress of one connector: the current state first, then every update published by any instance. */
  async *progress(user: AuthUser, connectorId: string): AsyncGenerator<SyncProgressEvent> {
    const connector = await this.connectors.get(user, connectorId);
    const updates = this.bus.subscribe(connector.id);
    try {
      const latest = (await this.latestRuns([connector.id])).get(connector.id);
      if (latest) {
        yield {
          connectorId: connector.id,
          tenantId: connector.tenantId,
          runId: latest.id,
          status: latest.status,
          phase: latest.phase,
          ticketsSynced: latest.ticketsSynced,
          messagesSynced: latest.messagesSynced,
          ticketsTotal: latest.ticketsTotal,
          percent: latest.percent,
          at: new Date().toISOString(),
        };
      }
      for (;;) {
        const next = await updates.next();
        if (next.done) return;
        if (next.value.tenantId === user.tenantId) yield next.value;
      }
    } finally {
      await updates.return?.();
    }
  }
}
