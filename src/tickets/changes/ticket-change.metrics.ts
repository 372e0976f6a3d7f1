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
    new Gauge({
      name: `${METRIC_PREFIX}ticket_changes_waiting`,
      help: 'Committed ticket changes the change feed does not show yet: an older transaction is still open (all tenants).',
      registers,
      async collect() {
        const r = await read();
        if (r) this.set(r.waiting);
        else this.reset();
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}ticket_changes_oldest_waiting_seconds`,
      help: 'Seconds the oldest waiting ticket change has waited (since its transaction began); 0 when none waits.',
      registers,
      async collect() {
        const r = await read();
        if (r) this.set(r.oldestSeconds);
        else this.reset();
      },
    });
  }
}
