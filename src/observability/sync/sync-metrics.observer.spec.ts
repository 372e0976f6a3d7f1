import { RunContext, RunObserverRegistry, RunProgress } from '../../sync/engine/run-observer';
import { SyncMode, SyncRunStatus } from '../../sync/sync-run.types';
import { MetricsRegistry } from '../metrics/metrics.registry';
import { SyncMetrics } from '../metrics/sync.metrics';
import { SyncMetricsObserver } from './sync-metrics.observer';

const ctx: RunContext = { tenantId: 't', connectorId: 'c', runId: 'r1', mode: SyncMode.INCREMENTAL, trigger: 'MANUAL' };
const progress = (tickets: number, messages: number, deleted = 0): RunProgress => ({
  status: SyncRunStatus.RUNNING,
  phase: 'reading messages',
  ticketsSynced: tickets,
  messagesSynced: messages,
  ticketsDeleted: deleted,
  ticketsTotal: null,
  percent: 0,
});

async function sample(registry: MetricsRegistry, line: string): Promise<number> {
  const found = (await registry.render()).body.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length).trim()) : 0;
}

describe('SyncMetricsObserver', () => {
  it('counts only what this instance wrote: a resumed run starts from its stored counters', async () => {
    const registry = new MetricsRegistry();
    const observers = new RunObserverRegistry();
    const observer = new SyncMetricsObserver(observers, new SyncMetrics(registry));
    observer.onModuleInit();
    // Taken over from another instance that had stored 100 messages and 10 tickets.
    await observers.progress(ctx, progress(10, 100));
    await observers.progress(ctx, progress(10, 150));
    await observers.progress(ctx, progress(30, 150, 1));
    await observers.finished(ctx, {
      status: SyncRunStatus.SUCCEEDED,
      ticketsSynced: 35,
      messagesSynced: 150,
      ticketsDeleted: 2,
      apiRequests: 9,
      rateLimitWaits: 0,
      durationMs: 4000,
      errorCode: null,
    });
    expect(await sample(registry, 'cxconnect_sync_records_total{mode="INCREMENTAL",kind="messages"}')).toBe(50);
    expect(await sample(registry, 'cxconnect_sync_records_total{mode="INCREMENTAL",kind="tickets"}')).toBe(25);
    expect(await sample(registry, 'cxconnect_sync_records_total{mode="INCREMENTAL",kind="tickets_deleted"}')).toBe(2);
    expect(await sample(registry, 'cxconnect_sync_runs_total{mode="INCREMENTAL",outcome="succeeded"}')).toBe(1);
    expect(await sample(registry, 'cxconnect_sync_run_duration_seconds_sum{mode="INCREMENTAL",outcome="succeeded"}')).toBe(4);
  });

  it('labels a run handed back to retry as requeued', async () => {
    const registry = new MetricsRegistry();
    const observers = new RunObserverRegistry();
    new SyncMetricsObserver(observers, new SyncMetrics(registry)).onModuleInit();
    await observers.progress(ctx, progress(0, 0));
    await observers.finished(ctx, {
      status: SyncRunStatus.QUEUED,
      ticketsSynced: 0,
      messagesSynced: 40,
      ticketsDeleted: 0,
      apiRequests: 3,
      rateLimitWaits: 0,
      durationMs: 1000,
      errorCode: 'UNREACHABLE',
    });
    expect(await sample(registry, 'cxconnect_sync_runs_total{mode="INCREMENTAL",outcome="requeued"}')).toBe(1);
    expect(await sample(registry, 'cxconnect_sync_records_total{mode="INCREMENTAL",kind="messages"}')).toBe(40);
  });
});
