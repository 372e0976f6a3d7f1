import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { SyncVerificationRepository } from '../../sync/repositories/sync-verification.repository';
import { differencesOf } from '../../sync/verification/verification.types';
import { METRIC_PREFIX, MetricsRegistry } from './metrics.registry';

type Latest = Awaited<ReturnType<SyncVerificationRepository['latestFinished']>>;

/** What each kind of count is called in the `kind` label. */
const KINDS = {
  tickets_missing: 'ticketsMissing',
  tickets_stale: 'ticketsStale',
  tickets_extra: 'ticketsExtra',
  messages_missing: 'messagesMissing',
  messages_stale: 'messagesStale',
  quarantined: 'quarantined',
} as const;

/**
 * Each connector's last finished verification, read from PostgreSQL at scrape time (every instance
 * reports the same values; alert on max by connector_id): its counts, its age, and how many finished
 * verifications in a row found differences (the alert in docs/operations.md fires at 2). Provided by
 * VerificationModule, which owns the repository it reads.
 */
@Injectable()
export class VerificationMetrics {
  private readonly logger = new Logger(VerificationMetrics.name);
  private snapshot: Promise<Latest> | null = null;

  constructor(metrics: MetricsRegistry, verifications: SyncVerificationRepository) {
    const registers = [metrics.registry];
    metrics.onScrape(() => (this.snapshot = null));
    const read = (): Promise<Latest> => {
      this.snapshot ??= verifications.latestFinished().catch((e) => {
        this.logger.warn(`metrics: could not read verifications: ${(e as Error).message}`);
        return [] as Latest;
      });
      return this.snapshot;
    };
    new Gauge({
      name: `${METRIC_PREFIX}verification_differences`,
      help: 'Per connector, its last finished verification: records found different, by kind (quarantined: refused by PostgreSQL, apart).',
      labelNames: ['connector_id', 'kind'],
      registers,
      async collect() {
        this.reset();
        for (const v of await read())
          for (const [kind, key] of Object.entries(KINDS)) this.set({ connector_id: v.connectorId, kind }, v[key]);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}verification_checked`,
      help: 'Per connector, its last finished verification: records compared, by object (ticket, message).',
      labelNames: ['connector_id', 'object'],
      registers,
      async collect() {
        this.reset();
        for (const v of await read()) {
          this.set({ connector_id: v.connectorId, object: 'ticket' }, v.ticketsChecked);
          this.set({ connector_id: v.connectorId, object: 'message' }, v.messagesChecked);
        }
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}verification_repaired`,
      help: 'Per connector, its last finished verification: rows its repair wrote.',
      labelNames: ['connector_id'],
      registers,
      async collect() {
        this.reset();
        for (const v of await read()) this.set({ connector_id: v.connectorId }, v.repaired);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}verification_age_seconds`,
      help: 'Per connector: seconds since its last verification finished.',
      labelNames: ['connector_id'],
      registers,
      async collect() {
        this.reset();
        const now = Date.now();
        for (const v of await read())
          if (v.finishedAt) this.set({ connector_id: v.connectorId }, (now - new Date(v.finishedAt).getTime()) / 1000);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}verification_differing_streak`,
      help: 'Per connector: finished verifications in a row, newest first, that found differences (2 or more: a sync bug, not noise).',
      labelNames: ['connector_id'],
      registers,
      async collect() {
        this.reset();
        for (const v of await read()) this.set({ connector_id: v.connectorId }, differencesOf(v) > 0 ? v.differingStreak : 0);
      },
    });
  }
}
