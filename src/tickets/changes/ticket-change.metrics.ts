import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { METRIC_PREFIX, MetricsRegistry } from '../../observability/metrics/metrics.registry';
import { TicketChangeRepository } from './ticket-change.repository';

type Waiting = Awaited<ReturnType<TicketChangeRepository['waitingBehindHorizon']>>;

/**
 * The change feed's one operational risk, read from PostgreSQL at scrape time (every instance reports
 * the same values: aggregate with max): committed changes held back behind the horizon by an older
 * transaction still open somewhere in the cluster (a long write, an idle-in-transaction session), and
 * how long the oldest has waited. Readers see none of them until that transaction ends.
 */
@Injectable()
export class TicketChangeMetrics {
  private readonly logger = new Logger(TicketChangeMetrics.name);
  /** A scrape reads the database once for both gauges. */
  private reading: Promise<Waiting | null> | null = null;

  constructor(metrics: MetricsRegistry, changes: TicketChangeRepository) {
    const registers = [metrics.registry];
    metrics.onScrape(() => (this.reading = null));
    const read = () =>
      (this.reading ??= changes.waitingBehindHorizon().catch((e) => {
        this.logger.warn(`metrics: could not read the change feed's horizon: ${(e as Error).message}`);
        return null;
      }));
    const gauge = (name: string, help: string, value: (r: Waiting) => number) =>
      new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        registers,
        async collect() {
          const r = await read();
          if (r) this.set(value(r));
          else this.reset();
        },
      });
    gauge(
      'ticket_changes_waiting',
      'Committed ticket changes the change feed does not show yet: an older transaction is still open (all tenants).',
      (r) => r.waiting,
    );
    gauge(
      'ticket_changes_oldest_waiting_seconds',
      'Seconds the oldest waiting ticket change has waited (since its transaction began); 0 when none waits.',
      (r) => r.oldestSeconds,
    );
  }
}
