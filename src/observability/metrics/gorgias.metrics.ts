import { Injectable } from '@nestjs/common';
import type { AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { GorgiasCallObserver } from '../../gorgias/gorgias-call.observer';
import { gorgiasRoute, statusClass } from './gorgias-route';
import { METRIC_PREFIX, MetricsRegistry } from './metrics.registry';

const STARTED = Symbol('cxconnect.gorgias.startedAt');
type TimedConfig = InternalAxiosRequestConfig & { [STARTED]?: number };

/** Gorgias API calls by route and status class, 429s, rate-limit waits and each connector's budget in use. */
@Injectable()
export class GorgiasMetrics implements GorgiasCallObserver {
  private readonly budgets = new Map<string, () => number>();
  private readonly requests: Counter<'method' | 'route' | 'status_class'>;
  private readonly duration: Histogram<'method' | 'route'>;
  private readonly rateLimited: Counter<'route'>;
  private readonly waitSeconds: Counter;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.requests = new Counter({
      name: `${METRIC_PREFIX}gorgias_requests_total`,
      help: 'HTTP requests sent to the Gorgias API (retries included), by route template and status class (error: no answer).',
      labelNames: ['method', 'route', 'status_class'],
      registers,
    });
    this.duration = new Histogram({
      name: `${METRIC_PREFIX}gorgias_request_duration_seconds`,
      help: 'Time from sending a Gorgias API request to its answer (or failure).',
      labelNames: ['method', 'route'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.rateLimited = new Counter({
      name: `${METRIC_PREFIX}gorgias_rate_limited_total`,
      help: 'Gorgias answers 429 Too Many Requests, by route template.',
      labelNames: ['route'],
      registers,
    });
    this.waitSeconds = new Counter({
      name: `${METRIC_PREFIX}gorgias_rate_limit_wait_seconds_total`,
      help: "Seconds calls spent waiting for room in their account's rate-limit budget (pacing and Retry-After).",
      registers,
    });
    const budgets = this.budgets;
    new Gauge({
      name: `${METRIC_PREFIX}gorgias_rate_limit_budget_used_ratio`,
      help: "Share (0..1) of the Gorgias account's API call budget in use, per connector, as predicted from its last answer.",
      labelNames: ['connector_id'],
      registers,
      collect() {
        this.reset();
        for (const [connectorId, read] of budgets) this.set({ connector_id: connectorId }, read());
      },
    });
  }

  instrument(http: AxiosInstance): void {
    http.interceptors.request.use((config: TimedConfig) => {
      config[STARTED] = performance.now();
      return config;
    });
    http.interceptors.response.use(
      (res) => {
        this.answered(res.config as TimedConfig, res);
        return res;
      },
      (err) => {
        if (err?.config) this.answered(err.config as TimedConfig, err.response);
        return Promise.reject(err);
      },
    );
  }

  rateLimitWaited(seconds: number): void {
    if (seconds > 0.001) this.waitSeconds.inc(seconds);
  }

  trackBudget(connectorId: string, budgetInUse: () => number): void {
    this.budgets.set(connectorId, budgetInUse);
  }

  /** Forgets the connectors that no longer exist (called with the ids that do, at scrape time). */
  keepBudgetsOf(connectorIds: ReadonlySet<string>): void {
    for (const id of this.budgets.keys()) if (!connectorIds.has(id)) this.budgets.delete(id);
  }

  private answered(config: TimedConfig, res: AxiosResponse | undefined): void {
    const route = gorgiasRoute(config.url);
    const method = (config.method ?? 'get').toUpperCase();
    this.requests.inc({ method, route, status_class: statusClass(res?.status) });
    if (config[STARTED] !== undefined) this.duration.observe({ method, route }, (performance.now() - config[STARTED]) / 1000);
    if (res?.status === 429) this.rateLimited.inc({ route });
  }
}
