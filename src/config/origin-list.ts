/** CORS_ORIGINS (comma-separated) as the origins browsers send (see http-security/origin-policy.ts). */
export function parseOriginList(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => new URL(s).origin); // lower-cases the host and drops a default port, as browsers send it
}
