/**
 * The route template of a Gorgias API URL, for a metric label: ids become `:id`, so the label has
 * a handful of values whatever the account (`https://acme.gorgias.com/api/tickets/42` ->
 * `/api/tickets/:id`). The host, which names the account, is dropped.
 */
export function gorgiasRoute(url: string | undefined): string {
  if (!url) return 'unknown';
  let path: string;
  try {
    path = new URL(url, 'http://placeholder').pathname;
  } catch {
    return 'unknown';
  }
  const at = path.indexOf('/api/');
  if (at < 0) return path.endsWith('/api') ? '/api' : 'other';
  const segments = path
    .slice(at + 1)
    .split('/')
    .filter(Boolean)
    .slice(0, 6)
    .map((s) => (/^[a-z_-]+$/i.test(s) ? s.toLowerCase() : ':id'));
  return `/${segments.join('/')}`;
}

/** `2xx`, `4xx`, ... or `error` when no answer came. */
export function statusClass(status: number | undefined): string {
  return status && status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'error';
}
