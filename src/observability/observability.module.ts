import { Global, Module } from '@nestjs/common';
import { GORGIAS_CALL_OBSERVER } from '../gorgias/gorgias-call.observer';
import { ConnectorHealthRepository } from './health/connector-health.repository';
import { ConnectorHealthResolver } from './health/connector-health.resolver';
import { ConnectorHealthService } from './health/connector-health.service';
import { ConnectorStateMetrics } from './metrics/connector-state.metrics';
import { DatabasePoolMetrics } from './metrics/database-pool.metrics';
import { GorgiasMetrics } from './metrics/gorgias.metrics';
import { GraphqlMetricsPlugin } from './metrics/graphql-metrics.plugin';
import { GraphqlMetrics } from './metrics/graphql.metrics';
import { MetricsPortServer } from './metrics/metrics-port.server';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics.registry';
import { SyncMetrics } from './metrics/sync.metrics';
import { WebhookMetrics } from './metrics/webhook.metrics';

/**
 * Prometheus metrics (`GET /metrics`), connector health (GraphQL and metrics) and what other
 * modules report to them. Global: any module can inject WebhookMetrics, SyncMetrics, GraphqlMetrics.
 * Tracing starts before Nest (tracing/start-tracing.ts), not here.
 */
@Global()
@Module({
  controllers: [MetricsController],
  providers: [
    MetricsRegistry,
    MetricsPortServer,
    GorgiasMetrics,
    { provide: GORGIAS_CALL_OBSERVER, useExisting: GorgiasMetrics },
    WebhookMetrics,
    SyncMetrics,
    GraphqlMetrics,
    GraphqlMetricsPlugin,
    DatabasePoolMetrics,
    ConnectorHealthRepository,
    ConnectorHealthService,
    ConnectorHealthResolver,
    ConnectorStateMetrics,
  ],
  exports: [MetricsRegistry, GORGIAS_CALL_OBSERVER, WebhookMetrics, SyncMetrics, GraphqlMetrics, ConnectorHealthService],
})
export class ObservabilityModule {}
