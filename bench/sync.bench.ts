/**
 * npm run bench:sync — initial sync of 10,000 tickets and 50,000 messages from the Gorgias simulator.
 *
 *  1. At the real rate limit (40 calls per 20 s, leaky bucket), with the simulator's clock scaled by
 *     CLOCK_SCALE so the run takes seconds, not minutes: API calls against the lower bound
 *     ceil(T/100) + ceil(M/100) + H + L (M: messages the messages list shows; H: trashed tickets whose
 *     messages it leaves out, each read on its own; L: pages of issue 24's small lists; all from the
 *     simulator), wall time against what the
 *     rate limit allows, 429s, peak RSS.
 *  2. With the rate limit off: rows per second into PostgreSQL.
 *     Run twice through a recording proxy (bench/sync-replay.ts): pages from the live simulator, then the same
 *     pages replayed from memory on a fresh database, so that the simulator's page building leaves the cores.
 *     Beside it, the COPY floor (bench/sync-copy-floor.ts): the same rows (the tickets' tag links and custom
 *     field values included) COPYed into copies of the same tables in page-sized transactions, timed three
 *     times (BENCH_FLOOR_RUNS), the median run counting, and the ratio; the CPU seconds of the gateway, the simulator and
 *     PostgreSQL during the sync (the simulator runs in its own process: its share says what it took from the
 *     2 cores); server time by statement (pg_stat_statements); bytes per row. BENCH_CPU_PROFILE=file writes a
 *     V8 CPU profile of the gateway for the sync (bench/cpu-profile-summary.ts reads it). BENCH_FLOOR_ROWS=500
 *     times the COPY floor in transactions of 500 rows (default 100: one API page).
 *     `npm run bench:sync -- --only floor` runs this case alone (prints, writes nothing);
 *     `--only ingest` prints its rows/s alone, without the COPY floor and pg_stat_statements, so that it
 *     runs against any server: BENCH_DATABASE_URL (bench/bench-database.ts), e.g. a Citus coordinator.
 *  3. A shared account on a bad day (bench/sync-shared.ts): another integration uses 60 % of the budget
 *     while Gorgias answers late and fails some calls. `npm run bench:sync -- --only shared` runs it alone;
 *     `--only sync` runs cases 1 and 2 without it.
 *
 * The simulator runs in its own process so that RSS measures the gateway alone (bench/sync-harness.ts).
 */
import { writeBenchSection } from './bench-report';
import { CopyFloor, floorMarkdown, floorRateOf, measureCopyFloor } from './sync-copy-floor';
import { CLOCK_SCALE, mb, MESSAGES, RATE_LIMIT, runOnce, TICKETS, WINDOW_SECONDS } from './sync-harness';
import { runLiveAndReplayed } from './sync-replay';
import { runSharedCase } from './sync-shared';

async function main() {
  const only = process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  if (only !== undefined && !['shared', 'floor', 'ingest', 'sync'].includes(only)) {
    throw new Error(`--only takes "shared", "floor", "ingest" or "sync", not ${only}`);
  }
  if (only === 'ingest') {
    const { run, wallMs } = await runOnce('no rate limit', ['--no-rate-limit']);
    const rows = run.ticketsSynced + run.messagesSynced;
    process.stdout.write(
      `ingest: ${run.status}, ${rows} rows in ${(wallMs / 1000).toFixed(1)} s: ${Math.round(rows / (wallMs / 1000))} rows/s\n`,
    );
    return;
  }
  if (only === 'floor') {
    const { rows, summary } = await runUnlimited();
    process.stdout.write(`${rows}\n${summary}\n`);
    return;
  }
  if (only !== 'shared') await runLimitedAndUnlimited(only);
  if (only === 'sync') return; // the first two cases alone (the shared account's section is left as it is)
  // Its own section, so that running it alone rewrites only its figures.
  const shared = await runSharedCase();
  process.stdout.write(`${shared}\n`);
  writeBenchSection('sync-shared', shared);
}

async function runLimitedAndUnlimited(only: string | undefined) {
  const limited = await runOnce('rate-limited', ['--clock-scale', String(CLOCK_SCALE)]);
  // What any client must fetch: every ticket page, every page of the messages list, and each trashed ticket
  // whose messages the list leaves out (the simulator's worst case; Gorgias does not document it).
  // Issue 24: plus one read of each small list (users, teams, tags, surveys, custom fields active and archived),
  // 100 per page, at least one call each (the simulator counts the pages of what they show).
  const data = limited.statsBefore.data as {
    tickets: number;
    listedMessages: number;
    trashedWithHiddenMessages: number;
    coverage: { listPages: number };
  };
  const ticketPages = Math.ceil(data.tickets / 100);
  const messagePages = Math.ceil(data.listedMessages / 100);
  const listPages = data.coverage.listPages;
  const lowerBound = ticketPages + messagePages + data.trashedWithHiddenMessages + listPages;
  const { rows: floorRows } = await runUnlimited();
  const rate = (RATE_LIMIT / WINDOW_SECONDS) * CLOCK_SCALE; // calls per (real) second allowed
  const calls = limited.run.apiRequests;
  // The bucket starts empty: the first RATE_LIMIT calls pass at once, the rest at the drain rate.
  const allowedMs = (Math.max(0, calls - RATE_LIMIT) / rate) * 1000;
  const served429 = (limited.statsAfter.rateLimited ?? 0) - (limited.statsBefore.rateLimited ?? 0);
  const runMs = Date.parse(limited.run.finishedAt) - Date.parse(limited.run.startedAt);

  // The command as it was run: the size and --only change what the section measures.
  const sizeEnv = ['BENCH_TICKETS', 'BENCH_MESSAGES'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]} `);
  const command = `${sizeEnv.length ? `env ${sizeEnv.join('')}` : ''}npm run bench:sync${only ? ` -- --only ${only}` : ''}`;
  const table = `## bench:sync

\`${command}\` — initial sync of ${TICKETS.toLocaleString('en')} tickets and ${MESSAGES.toLocaleString('en')} messages from the simulator
(Gorgias limit ${RATE_LIMIT} calls / ${WINDOW_SECONDS} s, simulator clock x${CLOCK_SCALE}: ${rate} calls/s). Run on ${new Date().toISOString().slice(0, 10)}.

| figure | measured | bound / target |
|---|---|---|
| status | ${limited.run.status} | SUCCEEDED |
| API calls | ${calls} | lower bound ceil(T/100)+ceil(M/100)+H+L = ${ticketPages}+${messagePages}+${data.trashedWithHiddenMessages}+${listPages} = ${lowerBound} (M: ${data.listedMessages} messages listed; H: trashed tickets read one by one, their messages not listed; L: pages of the users, teams, tags, satisfaction surveys and custom fields (active, archived) lists, issue 24); target ≤ ${Math.floor(lowerBound * 1.05)} (+5%) → ${((calls / lowerBound - 1) * 100).toFixed(1)}% over (${(calls / lowerBound).toFixed(3)}x) |
| wall time (rate-limited, from Save & Activate to SUCCEEDED seen) | ${(limited.wallMs / 1000).toFixed(1)} s | rate limit allows ${(allowedMs / 1000).toFixed(1)} s for ${calls} calls; target ≤ +10% → ${((limited.wallMs / allowedMs - 1) * 100).toFixed(1)}% |
| 429 answers served | ${served429} | 0 |
| rate-limit waits (client) | ${limited.run.rateLimitWaits} | — |
| run time (first claim to finish, from the run row) | ${(runMs / 1000).toFixed(1)} s | ≤ ${((allowedMs * 1.1) / 1000).toFixed(1)} s (+10%) → ${((runMs / allowedMs - 1) * 100).toFixed(1)}% |
| peak RSS (gateway process) | ${mb(limited.peakRss)} (start ${mb(limited.rssBefore)}); by quarter of the run: ${limited.quarterPeaks.map(mb).join(' / ')} | flat |
${floorRows}`;
  process.stdout.write(`${table}\n`);
  writeBenchSection('sync', table);
}

/**
 * The sync without a rate limit, its COPY floor, and what shared the cores meanwhile: once with pages from
 * the live simulator, once with the same pages replayed from memory (bench/sync-replay.ts).
 */
async function runUnlimited() {
  const both = await runLiveAndReplayed({
    statStatements: true,
    cpuProfile: process.env.BENCH_CPU_PROFILE,
    inspect: measureCopyFloor,
  });
  const unlimited = both.live;
  const floor = unlimited.inspected as CopyFloor;
  const floorRate = floorRateOf(floor);
  const oldFloorRate = floorRateOf(floor, false);
  const rows = unlimited.run.ticketsSynced + unlimited.run.messagesSynced;
  const wall = unlimited.wallMs / 1000;
  const runS = (Date.parse(unlimited.run.finishedAt) - Date.parse(unlimited.run.startedAt)) / 1000;
  const cpuRow = (r: typeof unlimited, what: string) => {
    const w = r.wallMs / 1000;
    const share = (s: number) => `${((s / (w * 2)) * 100).toFixed(0)} %`;
    const { gateway, simulator, postgres, via } = r.cpu;
    return (
      `| CPU during the sync, ${what} (of 2 cores × ${w.toFixed(1)} s) | gateway ${gateway.toFixed(1)} s (${share(gateway)}), PostgreSQL ${postgres.toFixed(1)} s (${share(postgres)}), ` +
      `simulator (own process) ${simulator.toFixed(1)} s (${share(simulator)}), replay proxy (own process) ${via.toFixed(1)} s (${share(via)}); ` +
      `load average at the end ${r.loadAverage.map((l) => l.toFixed(2)).join(' ')} | — |\n`
    );
  };
  const md = floorMarkdown(floor, { rows, wallMs: unlimited.wallMs });
  const rep = both.replayed;
  const repRows = rep.run.ticketsSynced + rep.run.messagesSynced;
  const repRate = repRows / (rep.wallMs / 1000);
  const second =
    both.secondMode === 'replay'
      ? 'pages replayed from memory'
      : 'pages from the live simulator again (BENCH_REPLAY_CONTROL=1: the second pass alone, no replay)';
  const table =
    `| rows/s into PostgreSQL, no rate limit, pages from the live simulator (through the recording proxy) | ${Math.round(rows / wall).toLocaleString('en')} rows/s (${rows} rows in ${wall.toFixed(1)} s from Save & Activate; ` +
    `${Math.round(rows / runS).toLocaleString('en')} rows/s over the run row's ${runS.toFixed(1)} s; peak RSS ${mb(unlimited.peakRss)}) | — |\n` +
    md.row +
    cpuRow(unlimited, 'pages from the live simulator') +
    `| rows/s into PostgreSQL, no rate limit, ${second} (fresh database and connector; ${both.served.replayed} answers replayed of ${both.recorded} recorded, ${both.served.live} served live) | ` +
    `${Math.round(repRate).toLocaleString('en')} rows/s (${repRows} rows in ${(rep.wallMs / 1000).toFixed(1)} s; stored ${both.counts.tickets} tickets and ${both.counts.messages} messages, as the live run) | — |\n` +
    `| sync with ${second} / COPY floor (the same floor) | **${(repRate / floorRate).toFixed(2)}x** (without the link rows ${(repRate / oldFloorRate).toFixed(2)}x) | ≥ 0.5x (issue 27) |\n` +
    cpuRow(rep, second) +
    '\n' +
    md.detail;
  const summary =
    `ratios: live ${(rows / wall / floorRate).toFixed(3)}x, ${both.secondMode === 'replay' ? 'replayed' : 'live again (control)'} ${(repRate / floorRate).toFixed(3)}x; ` +
    `sync ${Math.round(rows / wall)} / ${Math.round(repRate)} rows/s, floor ${Math.round(floorRate)} rows/s; ` +
    `against the floor without the link rows (${Math.round(oldFloorRate)} rows/s): live ${(rows / wall / oldFloorRate).toFixed(3)}x, second ${(repRate / oldFloorRate).toFixed(3)}x; ` +
    `load ${unlimited.loadAverage[0].toFixed(2)} / ${rep.loadAverage[0].toFixed(2)}; served live in replay ${both.served.live}`;
  return { unlimited, rows: table, summary };
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
