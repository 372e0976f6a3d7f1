/**
 * npm run bench:freshness — how fast a change made in Gorgias shows through GraphQL.
 *
 *  1. One account at the real rate limit (40 calls / 20 s), 5 changes per second for 60 s (replies on
 *     old tickets, status changes, new tickets): p50 / p95 / max from the change to GraphQL, with
 *     webhooks and with polling only; Gorgias API calls against the account's budget; what a quiet
 *     poll costs. Targets: p95 <= 5 s with webhooks, <= 75 s polling only, nothing missing.
 *  2. Fleet: 200 connectors (one account each) on two gateway instances sharing one database, changes
 *     on every account, 10 % of webhook deliveries dropped, default settings: p95 / max, nothing missing once
 *     the next poll has run, memory and CPU per instance. Targets p95 <= 10 s, max <= 75 s.
 *
 * Every part is its own process: PostgreSQL, the simulator, each gateway (the built app,
 * dist/src/main.js) and the load generator (bench/freshness-load.ts), so each figure is its own.
 */
import { Client } from 'pg';
import { cpus, loadavg } from 'node:os';
import { writeBenchSection } from './bench-report';
import {
  token,
  startSimulator,
  startGateway,
  gql,
  control,
  sampler,
  createConnectors,
  activateAll,
  runLoad,
  percentile,
  sec,
  withDatabase,
} from './freshness-harness';

const RATE = 40 / 20; // calls per second an API key may make
const FLEET = Number(process.env.BENCH_FLEET ?? 200);
const FLEET_CHANGES_PER_SECOND = Number(process.env.BENCH_FLEET_RATE ?? 10);
const DURATION = Number(process.env.BENCH_SECONDS ?? 60);
/** Fleet connectors keep the default interval (15 min): the poll every SYNC_POLL_SECONDS, not the interval, catches dropped deliveries. */
const FLEET_INTERVAL_MINUTES = 15;
/** The default poll: the floor of the worst case (a change just after a poll waits for the next one, plus that poll's run). */
const POLL_SECONDS = 60;

/** Scenario 1: one account at the real rate limit. */
async function singleAccount(webhooks: boolean) {
  return withDatabase(async (databaseUrl) => {
    const sim = await startSimulator();
    const gw = await startGateway({
      DATABASE_URL: databaseUrl,
      GORGIAS_BASE_URL: `${sim.url}/{subdomain}`,
      SYNC_POLL_SECONDS: String(POLL_SECONDS),
      ...(webhooks ? { PUBLIC_BASE_URL: 'self' } : {}),
    });
    try {
      // The first account gets the load; the second never changes: its polls are what a quiet account costs.
      const [busy, quietAccount] = await createConnectors(gw.url, sim.url, 0, 2, 300, 15);
      const accounts = [busy];
      const [connector] = await activateAll(gw.url, [busy, quietAccount]);
      const sub = busy.subdomain;
      const before = await control(sim.url, 'GET', `${sub}/stats`);
      const stop = sampler([gw.child.pid!]);
      const startedAt = Date.now();
      const load = await runLoad({
        simUrl: sim.url,
        gatewayUrls: [gw.url],
        token,
        accounts,
        changesPerSecond: 5,
        durationSeconds: DURATION,
        drainSeconds: webhooks ? 60 : 150,
        seed: 7,
      });
      const windowSeconds = (Date.now() - startedAt) / 1000;
      if (load.missing.length) await explainMissing(databaseUrl, load.missing);
      const [proc] = stop();
      const after = await control(sim.url, 'GET', `${sub}/stats`);
      const calls = after.requests - before.requests;
      const quiet = webhooks ? null : await quietPollCost(gw.url, quietAccount.connectorId);
      // A leaky bucket of 40 lets 40 calls through at once, then 2 a second.
      return {
        webhooks,
        mode: connector.realtime.mode,
        load,
        calls,
        windowSeconds,
        budget: 40 + RATE * windowSeconds,
        rateLimited: after.rateLimited - before.rateLimited,
        proc,
        quiet,
      };
    } finally {
      gw.child.kill('SIGTERM');
      sim.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1500));
    }
  });
}

/** Why changes are missing: what we stored of their tickets, what still waits, and runs that did not succeed. */
async function explainMissing(databaseUrl: string, missing: { connectorId: string; ticketId: number }[]) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const ids = missing.map((m) => m.ticketId);
    const tickets = await db.query(
      `SELECT external_id, updated_at, deleted_at, trashed_at, messages_count, reconciled_messages_count FROM tickets WHERE external_id = ANY($1)`,
      [ids],
    );
    const pending = await db.query(`SELECT * FROM ticket_refresh_requests`);
    const runs = await db.query(
      `SELECT mode, status, trigger, error, attempts, created_at, started_at, finished_at FROM sync_runs WHERE status <> 'SUCCEEDED' OR error IS NOT NULL ORDER BY created_at DESC LIMIT 20`,
    );
    process.stderr.write(`missing: ${JSON.stringify({ tickets: tickets.rows, pending: pending.rows, runs: runs.rows }, null, 1)}\n`);
  } finally {
    await db.end();
  }
}

async function quietPollCost(gatewayUrl: string, connectorId: string) {
  // Every run after the initial sync of an account that never changes (the load ran on another account meanwhile).
  const runsQuery = `query($id: ID!) { syncRuns(connectorId: $id, first: 50) { nodes { mode status apiRequests startedAt } } }`;
  const runs = (await gql(gatewayUrl, runsQuery, { id: connectorId })).syncRuns.nodes
    .filter((r: any) => r.status === 'SUCCEEDED' && r.mode === 'INCREMENTAL')
    .slice(0, -1); // newest first: the last one is the initial sync
  const callsPerPoll = runs.length ? Math.max(...runs.map((r: any) => r.apiRequests)) : NaN;
  return { polls: runs.length, callsPerPoll };
}

/** Scenario 2: the fleet. */
async function fleet() {
  return withDatabase(async (databaseUrl) => {
    const sim = await startSimulator();
    const common = { DATABASE_URL: databaseUrl, GORGIAS_BASE_URL: `${sim.url}/{subdomain}`, SYNC_POLL_SECONDS: String(POLL_SECONDS) };
    // One public address for both instances would be a load balancer; each connector's webhook points at one of them here.
    const a = await startGateway({ ...common, PUBLIC_BASE_URL: 'self' });
    const b = await startGateway({ ...common, PUBLIC_BASE_URL: 'self' });
    try {
      const setupStarted = Date.now();
      // Default settings: a dropped delivery waits for the next poll (SYNC_POLL_SECONDS), webhooks or not.
      const half = Math.ceil(FLEET / 2);
      const accounts = [
        ...(await createConnectors(a.url, sim.url, 0, half, 20, FLEET_INTERVAL_MINUTES)),
        ...(await createConnectors(b.url, sim.url, half, FLEET - half, 20, FLEET_INTERVAL_MINUTES)),
      ];
      await activateAll(a.url, accounts.slice(0, half));
      await activateAll(b.url, accounts.slice(half));
      const setupSeconds = (Date.now() - setupStarted) / 1000;
      for (const acc of accounts)
        await control(sim.url, 'POST', `${acc.subdomain}/webhooks`, { dropRate: 0.1, seed: 1 + accounts.indexOf(acc) });
      const stop = sampler([a.child.pid!, b.child.pid!]);
      const load = await runLoad({
        simUrl: sim.url,
        gatewayUrls: [a.url, b.url],
        token,
        accounts,
        changesPerSecond: FLEET_CHANGES_PER_SECOND,
        durationSeconds: DURATION,
        drainSeconds: POLL_SECONDS + 90,
        seed: 11,
      });
      const procs = stop();
      let dropped = 0;
      for (const acc of accounts) dropped += (await control(sim.url, 'GET', `${acc.subdomain}/webhooks`)).stats.dropped;
      return { load, procs, dropped, setupSeconds };
    } finally {
      a.child.kill('SIGTERM');
      b.child.kill('SIGTERM');
      sim.child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 2000));
    }
  });
}

function latencyRow(label: string, r: any, target: string) {
  const l = r.load.latenciesMs as number[];
  return `| ${label} | ${r.load.made} | ${sec(percentile(l, 50))} | ${sec(percentile(l, 95))} | ${sec(Math.max(...l))} | ${r.load.missing.length} | ${target} |`;
}

async function main() {
  // The machine is shared: the load average beside the figures says how much else ran.
  const loadBefore = loadavg()[0];
  const only = process.env.BENCH_ONLY; // single | fleet | webhooks (diagnosis: the webhooks part alone, nothing written)
  if (only === 'webhooks') {
    const hooks = await singleAccount(true);
    const l = hooks.load.latenciesMs as number[];
    process.stdout.write(
      `webhooks: p50 ${sec(percentile(l, 50))} p95 ${sec(percentile(l, 95))} max ${sec(Math.max(...l))} missing ${hooks.load.missing.length} calls ${hooks.calls}\n`,
    );
    return;
  }
  const results: string[] = [];
  let single: { hooks: any; polling: any } | null = null;
  if (!only || only === 'single') {
    const hooks = await singleAccount(true);
    process.stdout.write(`webhooks: ${JSON.stringify({ ...hooks, load: { ...hooks.load, latenciesMs: undefined } })}\n`);
    const polling = await singleAccount(false);
    process.stdout.write(`polling: ${JSON.stringify({ ...polling, load: { ...polling.load, latenciesMs: undefined } })}\n`);
    single = { hooks, polling };
  }
  let fleetResult: any = null;
  if (!only || only === 'fleet') {
    fleetResult = await fleet();
    process.stdout.write(`fleet: ${JSON.stringify({ ...fleetResult, load: { ...fleetResult.load, latenciesMs: undefined } })}\n`);
  }
  results.push(`## bench:freshness

\`npm run bench:freshness\` — from a change made in the simulator to the change visible through GraphQL (the load
generator polls \`tickets(filter: {updatedAfter})\` every 250 ms, so figures are up to 0.25 s late). Each part is its own
process: PostgreSQL, the simulator, each gateway (built, NODE_ENV=production) and the load generator. Run on ${new Date().toISOString().slice(0, 10)}
on ${cpus().length} cores, load average (1 min) ${loadBefore.toFixed(1)} before and ${loadavg()[0].toFixed(1)} after; WEBHOOK_REFRESH_CALLS_PER_MINUTE
${process.env.WEBHOOK_REFRESH_CALLS_PER_MINUTE ?? 'default'}.`);
  if (single) {
    const { hooks, polling } = single;
    const pct = (calls: number, budget: number) => `${calls} of ${Math.round(budget)} (${((100 * calls) / budget).toFixed(0)} %)`;
    results.push(`### One account at the real rate limit (40 calls / 20 s), ${hooks.load.made} changes in ${DURATION} s (5/s: ${hooks.load.byKind.reply} replies on old tickets, ${hooks.load.byKind.status} status changes, ${hooks.load.byKind.new} new tickets)

| mode | changes | p50 | p95 | max | missing at the end | target |
|---|---|---|---|---|---|---|
${latencyRow(`webhooks (realtime.mode ${hooks.mode})`, hooks, 'p95 ≤ 5 s, none missing')}
${latencyRow('polling only (SYNC_POLL_SECONDS=60)', polling, 'p95 ≤ 75 s, none missing')}

| mode | Gorgias API calls during the load and drain, of what the account's bucket allows (40 at once, then 2/s) | 429s | gateway CPU | gateway peak RSS |
|---|---|---|---|---|
| webhooks | ${pct(hooks.calls, hooks.budget)} over ${hooks.windowSeconds.toFixed(0)} s | ${hooks.rateLimited} | ${hooks.proc.cpuPercent.toFixed(0)} % of a core | ${hooks.proc.peakRssMb.toFixed(0)} MB |
| polling only | ${pct(polling.calls, polling.budget)} over ${polling.windowSeconds.toFixed(0)} s | ${polling.rateLimited} | ${polling.proc.cpuPercent.toFixed(0)} % of a core | ${polling.proc.peakRssMb.toFixed(0)} MB |

Quiet account (a second connector whose account never changed), polling every 60 s: at most ${polling.quiet.callsPerPoll} calls per poll (over its ${polling.quiet.polls} polls) =
${((100 * polling.quiet.callsPerPoll) / (60 * RATE)).toFixed(1)} % of the budget of 120 calls a minute (target ≤ 10 %).`);
  }
  if (fleetResult) {
    const l = fleetResult.load.latenciesMs as number[];
    results.push(`### Fleet: ${FLEET} connectors on two gateway instances sharing one database, 10 % of webhook deliveries dropped

${fleetResult.load.made} changes in ${DURATION} s (${FLEET_CHANGES_PER_SECOND}/s spread over every account); ${fleetResult.dropped} deliveries dropped by the simulator.
Default settings: syncIntervalMinutes ${FLEET_INTERVAL_MINUTES}, SYNC_POLL_SECONDS=${POLL_SECONDS}; connectors poll every SYNC_POLL_SECONDS while webhooks arrive too, so a dropped change waits for the next poll.
Setup (${FLEET} initial syncs of 20 tickets): ${fleetResult.setupSeconds.toFixed(0)} s.

| figure | measured | target |
|---|---|---|
| p50 / p95 / max change → GraphQL | ${sec(percentile(l, 50))} / ${sec(percentile(l, 95))} / ${sec(Math.max(...l))} | p95 ≤ 10 s, max ≤ 75 s |
| max against the floor (one poll interval, ${POLL_SECONDS} s) | ${(Math.max(...l) / 1000 / POLL_SECONDS).toFixed(2)}x | ≤ 1.25x |
| missing after the drain (${POLL_SECONDS + 90} s) | ${fleetResult.load.missing.length} | 0 |
| instance A: CPU, peak RSS | ${fleetResult.procs[0].cpuPercent.toFixed(0)} % of a core, ${fleetResult.procs[0].peakRssMb.toFixed(0)} MB | — |
| instance B: CPU, peak RSS | ${fleetResult.procs[1].cpuPercent.toFixed(0)} % of a core, ${fleetResult.procs[1].peakRssMb.toFixed(0)} MB | — |`);
  }
  const md = results.join('\n\n');
  process.stdout.write(`${md}\n`);
  if (!only) writeBenchSection('freshness', md);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
