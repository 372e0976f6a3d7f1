import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric name starts with this. */
export const METRIC_PREFIX = 'cxconnect_';

const MISNAMED_DEFAULT_METRICS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/**
 * This instance's prom-client registry: the process metrics prom-client ships, plus the ones the
 * observability module defines. One registry per application (not prom-client's global one), so
 * that several instances booted in one process (tests) each report only their own.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  private readonly scrapeListeners: (() => void)[] = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Gauges named like counters: `promtool check metrics` rejects them, and they say little.
    for (const name of MISNAMED_DEFAULT_METRICS) this.registry.removeSingleMetric(name);
  }

  /** Called at the start of every scrape (collectors that share one read per scrape reset it). */
  onScrape(listener: () => void): void {
    this.scrapeListeners.push(listener);
  }

  /** The Prometheus text exposition of every metric, collected now. */
  async render(): Promise<{ contentType: string; body: string }> {
    for (const listener of this.scrapeListeners) listener();
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
