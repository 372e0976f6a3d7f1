import { MetricsRegistry } from './metrics.registry';
import { WebhookMetrics } from './webhook.metrics';

describe('WebhookMetrics', () => {
  it('counts deliveries accepted (recorded or folded into a walk), and refused by reason', async () => {
    const registry = new MetricsRegistry();
    const webhooks = new WebhookMetrics(registry);
    webhooks.accepted();
    webhooks.accepted();
    webhooks.accepted('folded');
    webhooks.refused('unauthorized');
    const lines = (await registry.render()).body.split('\n').filter((l) => l.startsWith('cxconnect_webhook_deliveries_total{'));
    expect(lines.sort()).toEqual([
      'cxconnect_webhook_deliveries_total{outcome="accepted",reason="folded"} 1',
      'cxconnect_webhook_deliveries_total{outcome="accepted",reason="none"} 2',
      'cxconnect_webhook_deliveries_total{outcome="refused",reason="unauthorized"} 1',
    ]);
  });
});
