import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from './metrics.registry';

/** How an accepted delivery was kept: a refresh request, or folded into the connector's next walk (over its cap). */
export type WebhookAcceptance = 'none' | 'folded';

/**
 * Why a webhook delivery was refused (answered 4xx, or 202 and dropped): a short fixed set, so the
 * label stays small. `unknown_connector` and `unauthorized` are the same 401 to the sender.
 */
export type WebhookRefusal =
  | 'unauthorized'
  | 'unknown_connector'
  | 'inactive_connector'
  | 'invalid_body'
  | 'too_large'
  | 'rate_limited'
  | 'missing_ticket'
  | 'unavailable';

/** Gorgias webhook deliveries, counted by the webhook intake. */
@Injectable()
export class WebhookMetrics {
  private readonly deliveries: Counter<'outcome' | 'reason'>;

  constructor(metrics: MetricsRegistry) {
    this.deliveries = new Counter({
      name: `${METRIC_PREFIX}webhook_deliveries_total`,
      help: 'Gorgias webhook deliveries received: outcome accepted or refused, with the reason of a refusal.',
      labelNames: ['outcome', 'reason'],
      registers: [metrics.registry],
    });
  }

  accepted(reason: WebhookAcceptance = 'none'): void {
    this.deliveries.inc({ outcome: 'accepted', reason });
  }

  refused(reason: WebhookRefusal): void {
    this.deliveries.inc({ outcome: 'refused', reason });
  }
}
