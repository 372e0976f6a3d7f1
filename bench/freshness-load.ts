/**
 * Load generator of bench:freshness, in its own process so the gateways' figures are theirs alone.
 * Makes changes in the simulator (replies on old tickets, status changes, new tickets) at a steady
 * rate, and measures for each one how long until GraphQL shows it: the ticket's updatedAt reaches
 * the updated_datetime Gorgias gave it. Input: BENCH_LOAD (JSON); output: one JSON line on stdout.
 */
import { mulberry32 } from '../test/gorgias-simulator/faults';

interface Account {
  subdomain: string;
  connectorId: string;
  /** Ids of tickets that existed before the load (targets of replies and status changes). */
  ticketIds: number[];
}

interface LoadConfig {
  simUrl: string;
  gatewayUrls: string[];
  token: string;
  accounts: Account[];
  changesPerSecond: number;
  durationSeconds: number;
  /** After the load, how long to wait for the last changes to show. */
  drainSeconds: number;
  seed: number;
}

type Kind = 'reply' | 'status' | 'new';

interface Change {
  n: number;
  kind: Kind;
  connectorId: string;
  ticketId: number;
  /** updated_datetime Gorgias gave the ticket (ms). */
  updatedMs: number;
  madeAt: number;
  visibleAt: number | null;
}

const OBSERVE_EVERY_MS = 250;
const TICKETS_QUERY = `query($f: TicketFilter, $after: String) {
  tickets(filter: $f, first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { connectorId externalId updatedAt } } }`;

async function main() {
  const cfg = JSON.parse(process.env.BENCH_LOAD ?? '{}') as LoadConfig;
  const random = mulberry32(cfg.seed); // seeds are never 0 here, where the simulator's PRNG would swap in its default
  const changes: Change[] = [];
  const pending = new Set<Change>();
  let gatewayTurn = 0;

  const control = async (sub: string, method: string, route: string, body?: unknown) => {
    const res = await fetch(`${cfg.simUrl}/__control/${sub}/${route}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`control ${method} ${route}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<any>;
  };
  const gql = async (query: string, variables: object) => {
    const url = cfg.gatewayUrls[gatewayTurn++ % cfg.gatewayUrls.length];
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${cfg.token}` },
      body: JSON.stringify({ query, variables }),
    });
    const json = (await res.json()) as any;
    if (json.errors) throw new Error(JSON.stringify(json.errors).slice(0, 500));
    return json.data;
  };

  async function makeChange(n: number): Promise<void> {
    const account = cfg.accounts[Math.floor(random() * cfg.accounts.length)];
    const r = random();
    const kind: Kind = r < 0.4 ? 'reply' : r < 0.8 ? 'status' : 'new';
    const old = account.ticketIds[Math.floor(random() * account.ticketIds.length)];
    let ticket: any;
    const madeAt = Date.now();
    if (kind === 'reply') {
      // A new message moves its ticket's updated_datetime to the message's created_datetime.
      const message = await control(account.subdomain, 'POST', `tickets/${old}/messages`, { body_text: `bench reply ${n}` });
      ticket = { id: old, updated_datetime: message.created_datetime };
    } else if (kind === 'status') {
      ticket = await control(account.subdomain, 'PATCH', `tickets/${old}`, { status: random() < 0.5 ? 'closed' : 'open' });
    } else {
      ticket = await control(account.subdomain, 'POST', 'tickets', { subject: `bench new ticket ${n}` });
    }
    const change: Change = {
      n,
      kind,
      connectorId: account.connectorId,
      ticketId: ticket.id,
      updatedMs: Date.parse(ticket.updated_datetime),
      madeAt,
      visibleAt: null,
    };
    changes.push(change);
    pending.add(change);
  }

  /** One pass: every ticket updated since the oldest pending change, newest first; marks what shows. */
  async function observe(): Promise<void> {
    if (!pending.size) return;
    const oldest = Math.min(...[...pending].map((c) => c.updatedMs));
    const seen = new Map<string, number>();
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const data: any = await gql(TICKETS_QUERY, { f: { updatedAfter: new Date(oldest - 1).toISOString() }, after });
      for (const t of data.tickets.nodes) seen.set(`${t.connectorId}:${t.externalId}`, Date.parse(t.updatedAt));
      if (!data.tickets.pageInfo.hasNextPage) break;
      after = data.tickets.pageInfo.endCursor;
    }
    const now = Date.now();
    for (const c of pending) {
      const stored = seen.get(`${c.connectorId}:${c.ticketId}`);
      if (stored !== undefined && stored >= Math.floor(c.updatedMs)) {
        c.visibleAt = now;
        pending.delete(c);
      }
    }
  }

  let observing = true;
  let drainDeadline = Infinity;
  const observer = (async () => {
    while (observing || pending.size) {
      const started = Date.now();
      await observe().catch((e) => process.stderr.write(`observe: ${(e as Error).message}\n`));
      if (!observing && Date.now() > drainDeadline) break;
      await new Promise((r) => setTimeout(r, Math.max(0, OBSERVE_EVERY_MS - (Date.now() - started))));
    }
  })();

  const total = Math.round(cfg.changesPerSecond * cfg.durationSeconds);
  const start = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / cfg.changesPerSecond;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      makeChange(n).catch((e) => {
        process.stderr.write(`change ${n}: ${(e as Error).message}\n`);
      }),
    );
  }
  await Promise.all(inFlight);
  const loadEndedAt = Date.now();
  drainDeadline = loadEndedAt + cfg.drainSeconds * 1000;
  observing = false;
  await observer;

  const latencies = changes.filter((c) => c.visibleAt !== null).map((c) => c.visibleAt! - c.madeAt);
  process.stdout.write(
    `${JSON.stringify({
      made: changes.length,
      byKind: {
        reply: changes.filter((c) => c.kind === 'reply').length,
        status: changes.filter((c) => c.kind === 'status').length,
        new: changes.filter((c) => c.kind === 'new').length,
      },
      latenciesMs: latencies,
      missing: changes.filter((c) => c.visibleAt === null).map((c) => ({ kind: c.kind, connectorId: c.connectorId, ticketId: c.ticketId })),
      loadMs: loadEndedAt - start,
      observeEveryMs: OBSERVE_EVERY_MS,
    })}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
