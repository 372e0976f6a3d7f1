import { HttpService } from '@nestjs/axios';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { appConfig, AppConfig } from '../config/app.config';
import { GORGIAS_CALL_OBSERVER, GorgiasCallObserver } from './gorgias-call.observer';
import { GorgiasClient } from './gorgias-client';
import { GorgiasRateLimitPacer } from './gorgias-rate-limit.pacer';
import { GorgiasCredentials } from './gorgias.types';

/**
 * Makes the `GorgiasClient` of a connector. Clients of the same account share one pacer, so a
 * sync and a "Test Connection" on the same account do not add up past its rate limit.
 */
@Injectable()
export class GorgiasClientFactory {
  private readonly pacers = new Map<string, GorgiasRateLimitPacer>();

  constructor(
    private readonly http: HttpService,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
    @Optional() @Inject(GORGIAS_CALL_OBSERVER) private readonly observer?: GorgiasCallObserver,
  ) {
    observer?.instrument(http.axiosRef);
  }

  /** `connectorId`, when the client works for a saved connector, labels its account budget in the metrics. */
  create(credentials: GorgiasCredentials, connectorId?: string): GorgiasClient {
    const key = `${credentials.subdomain.toLowerCase()}|${this.config.gorgias.baseUrl}`;
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new GorgiasRateLimitPacer();
      this.pacers.set(key, pacer);
    }
    if (connectorId) {
      const p = pacer;
      this.observer?.trackBudget(connectorId, () => p.budgetInUse());
    }
    return new GorgiasClient(this.http.axiosRef, credentials, pacer, {
      baseUrlTemplate: this.config.gorgias.baseUrl,
      timeoutMs: this.config.gorgias.timeoutMs,
      maxRetries: this.config.gorgias.maxRetries,
      observer: this.observer,
    });
  }
}
