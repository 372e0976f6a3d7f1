import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from './metrics.registry';

/** Why a webhook delivery was refused: a short fixed set, so the label stays small. */
export type WebhookRefusal =
  'unauthorized' | 'unknown_connector' | 'inactive_connector' | 'invalid_body' | 'too_large' | 'rate_limited' | 'other';

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

  accepted(): void {
    this.deliveries.inc({ outcome: 'accepted', reason: 'none' });
  }

  refused(reason: WebhookRefusal): void {
    this.deliveries.inc({ outcome: 'refused', reason });
  }
}
