import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { limitExceeded } from '../../common/graphql-errors';
import { appConfig, AppConfig } from '../../config/app.config';
import { FeedPosition } from './ticket-change-cursor';
import { FeedScope, TicketChangeRepository } from './ticket-change.repository';
import { FeedScopePoll } from './ticket-change.scope-poll';
import { StreamTimings, TicketChangeStream } from './ticket-change.stream';
import { TicketChangeWakeups } from './ticket-change.wakeups';

/**
 * This instance's live feed streams: one shared poll per scope (see FeedScopePoll), the feed's
 * notifications routed to the polls of the tenant they name, and a cap on open streams per tenant.
 *
 * The cap is per instance (FEED_MAX_SUBSCRIPTIONS_PER_TENANT): a tenant reaches at most that many
 * times the number of instances. Counting across instances would need shared state written on every
 * subscribe and cleaned up after crashes; the per-instance cap already bounds what one tenant costs
 * each instance and, with the shared polls, what its idle streams cost the database.
 */
@Injectable()
export class TicketChangeHub implements OnModuleDestroy {
  private readonly logger = new Logger(TicketChangeHub.name);
  /** Polls by tenant, then by connector ('' for the tenant-wide feed). */
  private readonly polls = new Map<string, Map<string, FeedScopePoll>>();
  private readonly perTenant = new Map<string, number>();
  private readonly maxPerTenant: number;
  private readonly stopListening: () => void;

  constructor(
    private readonly repository: TicketChangeRepository,
    wakeups: TicketChangeWakeups,
    @Inject(appConfig.KEY) config: AppConfig,
  ) {
    this.maxPerTenant = config.feed.maxSubscriptionsPerTenant;
    this.stopListening = wakeups.subscribe((w) => {
      // null: the listener reconnected and may have missed anything, so every poll looks again.
      const tenants = w ? [this.polls.get(w.tenantId)] : [...this.polls.values()];
      for (const polls of tenants) for (const poll of polls?.values() ?? []) poll.notify(w);
    });
  }

  /** Feed streams open on this instance for the tenant. */
  openStreams(tenantId: string): number {
    return this.perTenant.get(tenantId) ?? 0;
  }

  /** Scopes polled on this instance (for tests: one per scope, however many streams). */
  get pollCount(): number {
    let n = 0;
    for (const polls of this.polls.values()) n += polls.size;
    return n;
  }

  /** A live stream of the scope from `after`, or LIMIT_EXCEEDED when the tenant holds the maximum already. */
  open(scope: FeedScope, after: FeedPosition | undefined, timings: StreamTimings): TicketChangeStream {
    const { tenantId } = scope;
    const open = this.openStreams(tenantId);
    if (open >= this.maxPerTenant) {
      throw limitExceeded(
        `At most ${this.maxPerTenant} ticketChanges subscriptions per tenant are open at once (FEED_MAX_SUBSCRIPTIONS_PER_TENANT). ` +
          'Complete subscriptions you no longer read, or follow the whole tenant with one subscription (omit connectorId) instead of one per connector.',
        'FEED_MAX_SUBSCRIPTIONS_PER_TENANT',
        this.maxPerTenant,
      );
    }
    const key = scope.connectorId ?? '';
    let tenantPolls = this.polls.get(tenantId);
    if (!tenantPolls) this.polls.set(tenantId, (tenantPolls = new Map()));
    let poll = tenantPolls.get(key);
    if (!poll) {
      const created: FeedScopePoll = new FeedScopePoll(
        { tenantId, connectorId: scope.connectorId ?? null },
        { page: (at, limit) => this.repository.page(created.scope, at, limit), probe: () => this.repository.probe(created.scope) },
        timings,
        {
          onLeave: (remaining) => this.left(created, key, remaining),
          onError: (e) => this.logger.warn(`Change feed poll failed, trying again later: ${(e as Error).message}`),
        },
      );
      tenantPolls.set(key, (poll = created));
    }
    this.perTenant.set(tenantId, open + 1);
    return poll.open(after);
  }

  onModuleDestroy(): void {
    this.stopListening();
    for (const polls of this.polls.values()) for (const poll of polls.values()) poll.stop();
    this.polls.clear();
  }

  private left(poll: FeedScopePoll, key: string, remaining: number): void {
    const { tenantId } = poll.scope;
    const open = this.openStreams(tenantId) - 1;
    if (open > 0) this.perTenant.set(tenantId, open);
    else this.perTenant.delete(tenantId);
    if (remaining) return;
    const tenantPolls = this.polls.get(tenantId);
    if (tenantPolls?.get(key) === poll) tenantPolls.delete(key);
    if (tenantPolls && !tenantPolls.size) this.polls.delete(tenantId);
  }
}
