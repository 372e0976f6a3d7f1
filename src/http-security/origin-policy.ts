/**
 * Which browser origins may call the API. One rule for HTTP (CORS) and WebSocket upgrades:
 * the gateway's own origin (the console it serves) always, plus the configured allowlist.
 * Requests without an Origin header are not from a browser page and are not concerned.
 */
export class OriginPolicy {
  private readonly allowed: Set<string>;

  constructor(origins: readonly string[]) {
    this.allowed = new Set(origins);
  }

  /** `host` is the request's Host header: a page served by this gateway calls it from that origin. */
  allows(origin: string | undefined, host: string | undefined): boolean {
    if (!origin) return true;
    let normalized: URL;
    try {
      normalized = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file://) and garbage
    }
    if (host && normalized.host === host.toLowerCase()) return true;
    return this.allowed.has(normalized.origin);
  }
}
