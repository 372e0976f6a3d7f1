import { Module } from '@nestjs/common';
import { SyncModule } from '../../sync/sync.module';
import { SyncMetricsObserver } from './sync-metrics.observer';

/** Plugs the sync metrics into the sync engine as a run observer. */
@Module({
  imports: [SyncModule],
  providers: [SyncMetricsObserver],
})
export class SyncObservabilityModule {}
