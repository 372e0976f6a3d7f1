import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../../auth/auth-user';
import { ConnectorsService } from '../../connectors/connectors.service';
import { SyncSignals, SyncProgressEvent } from '../signals/sync-signals';
import { SyncLogRepository } from '../repositories/sync-log.repository';
import { SyncRunRepository } from '../repositories/sync-run.repository';
import { SyncRunRow } from '../repositories/sync-run.row';
import { SyncLogLevel } from '../sync-run.types';

/** What the API reads of the sync engine: runs, logs and progress of a tenant's connectors. */
@Injectable()
export class SyncQueriesService {
  constructor(
    private readonly runs: SyncRunRepository,
    private readonly logs: SyncLogRepository,
    private readonly connectors: ConnectorsService,
    private readonly bus: SyncSignals,
  ) {}

  async listRuns(user: AuthUser, connectorId: string, first: number, after?: { createdAt: string; id: string }, includeQuiet = true) {
    await this.connectors.get(user, connectorId);
    return this.runs.listPage({ tenantId: user.tenantId, connectorId }, first, after, includeQuiet);
  }

  async listLogs(user: AuthUser, connectorId: string, filter: { runId?: string; level?: SyncLogLevel }, first: number, afterId?: string) {
    await this.connectors.get(user, connectorId);
    return this.logs.listPage({ tenantId: user.tenantId, connectorId }, filter, first, afterId);
  }

  /** Latest run of each connector, in one query (DataLoader batch for Connector.latestRun). */
  latestRuns(connectorIds: readonly string[]): Promise<Map<string, SyncRunRow>> {
    return this.runs.latestOf(connectorIds);
  }

  /**
   * Progress of one connector: the current state first, then every update published by any instance.
   * A plain iterator rather than an async generator: a generator waiting for the next event cannot
   * be returned until one comes, so an unsubscribe from a quiet connector would keep its listener
   * (and socket context) forever. Here `return()` releases the subscription at once.
   */
  async progress(user: AuthUser, connectorId: string): Promise<AsyncIterableIterator<SyncProgressEvent>> {
    const connector = await this.connectors.get(user, connectorId);
    const updates = this.bus.subscribe(connector.id); // before reading the state, so no update falls between
    const pending: SyncProgressEvent[] = [];
    try {
      const latest = (await this.latestRuns([connector.id])).get(connector.id);
      if (latest) {
        pending.push({
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
        });
      }
    } catch (e) {
      await updates.return?.();
      throw e;
    }
    const done = async (): Promise<IteratorResult<SyncProgressEvent>> => {
      await updates.return?.();
      return { done: true, value: undefined };
    };
    const iterator: AsyncIterableIterator<SyncProgressEvent> = {
      next: async () => {
        if (pending.length) return { done: false, value: pending.shift()! };
        for (;;) {
          const next = await updates.next();
          if (next.done || next.value.tenantId === user.tenantId) return next;
        }
      },
      return: done,
      throw: async (e: unknown) => {
        await done();
        throw e;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}
