import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { ConnectorStatus } from '../../connectors/entities/connector.entity';
import { ConnectorHealthState } from '../health/connector-health';
import { ConnectorHealthService } from '../health/connector-health.service';
import { GorgiasMetrics } from './gorgias.metrics';
import { METRIC_PREFIX, MetricsRegistry } from './metrics.registry';

type Snapshot = Awaited<ReturnType<ConnectorHealthService['all']>>;

/**
 * Gauges read from PostgreSQL at scrape time, so that every instance reports the same values
 * (alert on max by connector_id): connectors by status, freshness lag, health and failures.
 */
@Injectable()
export class ConnectorStateMetrics {
  private readonly logger = new Logger(ConnectorStateMetrics.name);
  /** A scrape reads the database once, however many gauges use it. */
  private snapshot: Promise<Snapshot> | null = null;

  constructor(metrics: MetricsRegistry, health: ConnectorHealthService, gorgias: GorgiasMetrics) {
    const registers = [metrics.registry];
    metrics.onScrape(() => (this.snapshot = null));
    const read = (): Promise<Snapshot> => {
      this.snapshot ??= health
        .all()
        .then((rows) => {
          gorgias.keepBudgetsOf(new Set(rows.map((r) => r.facts.connectorId)));
          return rows;
        })
        .catch((e) => {
          this.logger.warn(`metrics: could not read connector state: ${(e as Error).message}`);
          return [] as Snapshot;
        });
      return this.snapshot;
    };

    new Gauge({
      name: `${METRIC_PREFIX}connectors`,
      help: 'Connectors by status (all tenants).',
      labelNames: ['status'],
      registers,
      async collect() {
        const rows = await read();
        for (const status of Object.values(ConnectorStatus)) {
          this.set({ status }, rows.filter((r) => r.facts.status === status).length);
        }
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}connector_freshness_lag_seconds`,
      help: 'Per active connector: seconds since the instant before which every Gorgias change is stored (start of its last successful sync).',
      labelNames: ['connector_id'],
      registers,
      async collect() {
        const rows = await read();
        this.reset();
        const now = Date.now();
        for (const { facts } of rows) {
          if (facts.status !== ConnectorStatus.ACTIVE || !facts.freshAsOf) continue;
          this.set({ connector_id: facts.connectorId }, Math.max(0, (now - facts.freshAsOf.getTime()) / 1000));
        }
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}connector_health_state`,
      help: 'Per connector: 1 for its current health state (HEALTHY, DEGRADED, FAILING), 0 for the others.',
      labelNames: ['connector_id', 'state'],
      registers,
      async collect() {
        const rows = await read();
        this.reset();
        for (const { facts, health } of rows) {
          for (const state of Object.values(ConnectorHealthState)) {
            this.set({ connector_id: facts.connectorId, state }, health.state === state ? 1 : 0);
          }
        }
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}connector_consecutive_failures`,
      help: 'Per connector: failed syncs since its last successful one.',
      labelNames: ['connector_id'],
      registers,
      async collect() {
        const rows = await read();
        this.reset();
        for (const { facts } of rows) this.set({ connector_id: facts.connectorId }, facts.consecutiveFailures);
      },
    });
  }
}
