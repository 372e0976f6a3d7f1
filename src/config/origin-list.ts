/** CORS_ORIGINS (comma-separated) as the origins browsers send (see http-security/origin-policy.ts). */
export function parseOriginList(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => new URL(s).origin); // lower-cases the host and drops a default port, as browsers send it
}

/** What OriginPolicy (http-security) allows; built here, once, from the validated configuration. */
export interface OriginPolicyOptions {
  /** CORS_ORIGINS, plus the origin of PUBLIC_BASE_URL when set. */
  origins: readonly string[];
  /** Development and test: a page on localhost / 127.0.0.1 / [::1] at the port the request came in on. */
  loopbackOnOwnPort: boolean;
}

/** The origins the deployment itself is reached at, for OriginPolicy. */
export function ownOrigins(corsOrigins: readonly string[], publicBaseUrl: string | null): string[] {
  return publicBaseUrl ? [...corsOrigins, new URL(publicBaseUrl).origin] : [...corsOrigins];
}
