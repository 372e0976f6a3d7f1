import { OriginPolicyOptions } from '../config/origin-list';
import { isLoopback } from '../config/production-rules';

/**
 * Which browser origins may call the API. One rule for HTTP (CORS) and WebSocket upgrades: the
 * configured allowlist, the origin of PUBLIC_BASE_URL (the console served behind it), and outside
 * production a loopback page on the very port the request arrived on (the console of `npm start`).
 *
 * Never the Host header: a DNS-rebinding page has Origin = Host = the attacker's name, so "the
 * request's own host" is whatever the attacker says it is. A loopback name cannot be rebound, and
 * the port is the socket's, not a header. Requests without an Origin header are not from a browser
 * page and are not concerned.
 */
export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(private readonly options: OriginPolicyOptions) {
    this.allowed = new Set(options.origins);
  }

  /** `localPort` is the port of the socket the request arrived on (never a header). */
  allows(origin: string | undefined, localPort: number | undefined): boolean {
    if (!origin) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file://) and garbage
    }
    if (this.allowed.has(url.origin)) return true;
    if (!this.options.loopbackOnOwnPort || localPort === undefined || url.protocol !== 'http:') return false;
    return isLoopback(url.hostname) && Number(url.port || 80) === localPort;
  }
}
