/** HTTP helpers for the simulator's coverage specs: API reads with the account's key, control calls, list walks. */
import type { GorgiasSimulator, SimAccount } from '../gorgias-simulator';

export const COVERAGE_EMAIL = 'admin@acme.test';
export const COVERAGE_KEY = 'sim-coverage-key';
export const coverageHeaders = { authorization: 'Basic ' + Buffer.from(`${COVERAGE_EMAIL}:${COVERAGE_KEY}`).toString('base64') };

export function coverageHttp(sim: () => GorgiasSimulator, prefix: string) {
  let n = 0;
  const json = async (path: string) => {
    const r = await fetch(`${sim().baseUrl}${path}`, { headers: coverageHeaders });
    return { status: r.status, body: (await r.json()) as any };
  };
  const control = async (path: string, body: unknown = {}, method = 'POST') => {
    const r = await fetch(`${sim().baseUrl}/__control/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'GET' ? undefined : JSON.stringify(body),
    });
    return { status: r.status, body: (await r.json()) as any };
  };
  /** A new account (seed = its number) with the given tickets and behaviour. */
  const fresh = (o: { tickets?: number; behaviour?: Record<string, unknown> } = {}): { acct: SimAccount; sub: string } => {
    const sub = `${prefix}${++n}`;
    const acct = sim().addAccount({
      subdomain: sub,
      email: COVERAGE_EMAIL,
      apiKey: COVERAGE_KEY,
      seed: n,
      tickets: o.tickets ?? 60,
      behaviour: o.behaviour,
    });
    return { acct, sub };
  };
  /** Every item of a list, page by page with the given limit; each page must answer 200. */
  const walk = async (sub: string, path: string, limit: number, query = '') => {
    const items: any[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await json(`/${sub}/api/${path}${sep}limit=${limit}${query}${cursor ? `&cursor=${cursor}` : ''}`);
      if (page.status !== 200) throw new Error(`GET ${path}: ${page.status} ${JSON.stringify(page.body)}`);
      pages++;
      items.push(...page.body.data);
      if (!page.body.meta.next_cursor) return { items, pages };
      cursor = page.body.meta.next_cursor;
    }
  };
  /** The account's events oldest first (first 100), with extra filters. */
  const events = async (sub: string, query = '') =>
    (await json(`/${sub}/api/events?limit=100&order_by=created_datetime:asc${query}`)).body.data as any[];
  return { json, control, fresh, walk, events };
}
