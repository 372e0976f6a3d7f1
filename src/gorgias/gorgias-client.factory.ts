import { HttpService } from '@nestjs/axios';
import { Inject, Injectable } from '@nestjs/common';
import { appConfig, AppConfig } from '../config/app.config';
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
  ) {}

  create(credentials: GorgiasCredentials, _owner?: { tenantId: string; connectorId?: string }): GorgiasClient {
    const key = `${credentials.subdomain.toLowerCase()}|${this.config.gorgias.baseUrl}`;
    let pacer = this.pacers.get(key);
    if (!pacer) {
      pacer = new GorgiasRateLimitPacer();
      this.pacers.set(key, pacer);
    }
    return new GorgiasClient(this.http.axiosRef, credentials, pacer, {
      baseUrlTemplate: this.config.gorgias.baseUrl,
      timeoutMs: this.config.gorgias.timeoutMs,
      maxRetries: this.config.gorgias.maxRetries,
    });
  }
}
