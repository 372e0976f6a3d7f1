import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from './metrics.registry';

/**
 * Distinct operation names kept as label values; past this, names count as `_other` (clients choose
 * names). Only authenticated callers' names take a slot: anyone can send `query JunkN`, and slots
 * are never given back, so anonymous traffic could otherwise push the portal's operations into `_other`.
 */
const MAX_OPERATION_NAMES = 200;
const NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

export type GraphqlOutcome = 'success' | 'error' | 'invalid';

/** GraphQL operations by type, name and outcome, their latency, and the subscriptions open now. */
@Injectable()
export class GraphqlMetrics {
  private readonly names = new Set<string>();
  private readonly operations: Counter<'operation_type' | 'operation_name' | 'outcome'>;
  private readonly duration: Histogram<'operation_type' | 'operation_name'>;
  private readonly subscriptions: Gauge;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.operations = new Counter({
      name: `${METRIC_PREFIX}graphql_operations_total`,
      help: 'GraphQL operations answered, by type, operation name and outcome (success, error: answered with errors, invalid: refused before execution).',
      labelNames: ['operation_type', 'operation_name', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: `${METRIC_PREFIX}graphql_operation_duration_seconds`,
      help: 'Time to answer a GraphQL query or mutation over HTTP (subscriptions: time to start).',
      labelNames: ['operation_type', 'operation_name'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.subscriptions = new Gauge({
      name: `${METRIC_PREFIX}graphql_active_subscriptions`,
      help: 'GraphQL subscriptions open now on this instance.',
      registers,
    });
  }

  /** `authenticated`: the caller presented a valid token; otherwise the name is `_unauthenticated`, whatever it says. */
  operationDone(
    type: string | undefined,
    name: string | undefined | null,
    outcome: GraphqlOutcome,
    seconds: number,
    authenticated: boolean,
  ): void {
    const labels = { operation_type: type ?? 'unknown', operation_name: authenticated ? this.labelFor(name) : '_unauthenticated' };
    this.operations.inc({ ...labels, outcome });
    this.duration.observe(labels, seconds);
  }

  /**
   * Counts a subscription as open until its stream ends, fails or is closed by the client. The
   * wrapper is a plain iterator (not an async generator), so `return()` reaches the source at once
   * even while it waits for the next event.
   */
  trackSubscription<T>(source: AsyncIterable<T>): AsyncIterableIterator<T> {
    const inner = source[Symbol.asyncIterator]();
    let open = true;
    this.subscriptions.inc();
    const close = () => {
      if (open) {
        open = false;
        this.subscriptions.dec();
      }
    };
    const settle = async (step: Promise<IteratorResult<T>>) => {
      try {
        const r = await step;
        if (r.done) close();
        return r;
      } catch (e) {
        close();
        throw e;
      }
    };
    const iterator: AsyncIterableIterator<T> = {
      next: () => settle(inner.next()),
      return: (value?: any) => {
        close();
        return inner.return ? inner.return(value) : Promise.resolve({ done: true, value });
      },
      throw: (e?: unknown) => {
        close();
        return inner.throw ? inner.throw(e) : Promise.reject(e);
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  private labelFor(name: string | undefined | null): string {
    if (!name) return '_anonymous';
    if (!NAME.test(name)) return '_other';
    if (this.names.has(name)) return name;
    if (this.names.size >= MAX_OPERATION_NAMES) return '_other';
    this.names.add(name);
    return name;
  }
}
