import { Inject, Injectable, Logger } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { appConfig, AppConfig } from '../../config/app.config';
import { WebhookRateRepository } from '../repositories/webhook-rate.repository';

/**
 * Rate limits of the webhook endpoint, per source address (every delivery, before authentication:
 * floods of wrong secrets are cut too) and per connector (authentic deliveries only, so a stranger
 * cannot use up a connector's allowance and have Gorgias' real deliveries refused). The limits sit
 * far above what Gorgias sends; they bound abuse, the durable per-connector caps bound its cost.
 * Returns null when admitted, or the seconds to wait (Retry-After). A counter that cannot be read
 * admits: the endpoint never answers 5xx, and the durable caps hold without it.
 */
@Injectable()
export class WebhookRateLimiter {
  private readonly logger = new Logger(WebhookRateLimiter.name);

  constructor(
    private readonly counters: WebhookRateRepository,
    @Inject(appConfig.KEY) private readonly config: AppConfig,
  ) {}

  byAddress(address: string | undefined): Promise<number | null> {
    return this.check('address', addressKey(address), this.config.webhooks.rateLimitPerAddress);
  }

  byConnector(connectorId: string): Promise<number | null> {
    return this.check('connector', connectorId, this.config.webhooks.rateLimitPerConnector);
  }

  private async check(scope: 'address' | 'connector', subject: string, limit: number): Promise<number | null> {
    try {
      const { hits, secondsLeft } = await this.counters.hit(scope, subject);
      // One line per subject and minute (the first refusal), not one per refused delivery.
      if (hits === limit + 1) this.logger.warn(`webhook deliveries per ${scope} over ${limit} a minute (${subject}): answering 429`);
      return hits > limit ? secondsLeft : null;
    } catch (e) {
      this.logger.warn(`webhook rate counter not read (${scope}): ${(e as Error).message}`);
      return null;
    }
  }
}

/** IPv4 as is (IPv4-mapped IPv6 unwrapped); IPv6 by its /64, which one host usually holds whole. */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const v4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (v4) return v4[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}
