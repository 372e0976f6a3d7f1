import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, OnModuleDestroy, Optional } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { appConfig, AppConfig } from '../config/app.config';
import { GORGIAS_CALL_OBSERVER, GorgiasCallObserver } from './gorgias-call.observer';
import { GorgiasClient } from './gorgias-client';
import { GorgiasRateLimitPacer } from './gorgias-rate-limit.pacer';
import { PACER_IDLE_EVICT_MS } from './gorgias.constants';
import { GorgiasCredentials } from './gorgias.types';

/** Whose work a client does: its tenant (and connector), for fair turns on a shared account. */
export interface ClientOwner {
  tenantId: string;
  connectorId?: string;
}

/**
 * Makes the `GorgiasClient` of a connector. Everything that calls one Gorgias account from this
 * instance (a connector's polls and refreshes, Test Connection, other tenants' connectors on the
 * same subdomain) shares one pacer, keyed by the account's address, so together they stay within
 * the account's budget; each tenant waits in its own lane of that pacer. Pacers nobody used for
 * a while are dropped.
 */
@Injectable()
export class GorgiasClientFactory implements OnModuleDestroy {
  private readonly pacers = new Map<string, GorgiasRateLimitPacer>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly http: HttpService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @Optional() @Inject(GORGIAS_CALL_OBSERVER) private readonly observer?: GorgiasCallObserver,
  ) {
    this.sweeper = setInterval(() => this.evictIdle(), PACER_IDLE_EVICT_MS / 4);
    this.sweeper.unref();
    observer?.instrument(http.axiosRef);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  create(credentials: GorgiasCredentials, owner?: ClientOwner): GorgiasClient {
    const pacer = this.pacerFor(credentials.subdomain);
    // A saved connector's account budget is labelled with its id in the metrics.
    if (owner?.connectorId) this.observer?.trackBudget(owner.connectorId, () => pacer.budgetInUse());
    return new GorgiasClient(this.http.axiosRef, credentials, pacer, {
      baseUrlTemplate: this.config.gorgias.baseUrl,
      timeoutMs: this.config.gorgias.timeoutMs,
      maxRetries: this.config.gorgias.maxRetries,
      lane: laneOf(credentials, owner),
      observer: this.observer,
    });
  }

  /** The pacer of the account at `subdomain` (one per Gorgias address). */
  pacerFor(subdomain: string): GorgiasRateLimitPacer {
    const key = `${this.config.gorgias.baseUrl}|${subdomain.toLowerCase()}`;
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new GorgiasRateLimitPacer({ share: this.config.gorgias.budgetShare });
      this.pacers.set(key, pacer);
    }
    return pacer;
  }

  /** Drops pacers with nobody waiting or calling for `idleMs`; returns how many are left. */
  evictIdle(idleMs = PACER_IDLE_EVICT_MS, now = Date.now()): number {
    for (const [key, pacer] of this.pacers) if (pacer.isIdle(idleMs, now)) this.pacers.delete(key);
    return this.pacers.size;
  }
}

/**
 * The lane is the tenant when the caller says it; otherwise the credentials (hashed: never kept in
 * clear), which tell tenants apart as well since each connects with its own key.
 */
function laneOf(credentials: GorgiasCredentials, owner?: ClientOwner): string {
  if (owner?.tenantId) return `tenant:${owner.tenantId}`;
  return `key:${createHash('sha256').update(`${credentials.email}\n${credentials.apiKey}`).digest('base64url').slice(0, 16)}`;
}
