/** Options, parameters and counters of GorgiasClient (kept apart so the client file stays about the calls). */
import type { GorgiasCallObserver } from './gorgias-call.observer';
import type { GorgiasListParams } from './gorgias.types';

export interface GorgiasClientOptions {
  /** `https://{subdomain}.gorgias.com` or a simulator template such as `http://127.0.0.1:4010/{subdomain}`. */
  baseUrlTemplate: string;
  timeoutMs: number;
  maxRetries: number;
  /** Whose turn this client waits for on the account's shared pacer (see GorgiasRateLimitPacer). */
  lane?: string;
  /** Told how long each call waited for the rate-limit budget. */
  observer?: Pick<GorgiasCallObserver, 'rateLimitWaited'>;
}

export interface GorgiasEventListParams extends GorgiasListParams {
  /** Sent as repeated keys (`types=a&types=b`), as Gorgias reads arrays; a comma-joined value would be one unknown type. */
  types?: string[];
  /** e.g. `Ticket`, `TicketMessage`. */
  objectType?: string;
  /** ISO datetime: only events created at or after it (`created_datetime[gte]`). */
  createdAfter?: string;
}

export interface GorgiasClientStats {
  /** HTTP requests sent, retries included: what the account's rate limit counts. */
  requests: number;
  /** 429 answers waited out. */
  rateLimitWaits: number;
  /** Retries after 5xx, timeouts and cut connections. */
  retries: number;
}
