/**
 * `npm run bench:sync` case 3 (alone: `npm run bench:sync -- --only shared`): a shared account on a bad
 * day. The customer's other integration (bench/other-client.ts, its own process) uses OTHER_SHARE of the
 * 40 / 20 s budget during an initial sync of SHARED_TICKETS tickets, while the simulator answers every
 * call LATENCY_MS late and fails ERROR_RATE of them (seeded). Figures: both clients' 429s, and our time
 * as a ratio to what the rest of the budget allows for the calls we made (retries included).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { EMAIL, KEY, RATE_LIMIT, runOnce, WINDOW_SECONDS } from './sync-harness';

const SHARED_TICKETS = Number(process.env.BENCH_SHARED_TICKETS ?? 2_000);
const SHARED_MESSAGES = Number(process.env.BENCH_SHARED_MESSAGES ?? SHARED_TICKETS * 5);
/** A Gorgias that answers in 150 ms and fails 5 % of calls, as a real one does on a bad day. */
const LATENCY_MS = Number(process.env.BENCH_SHARED_LATENCY_MS ?? 150);
const ERROR_RATE = Number(process.env.BENCH_SHARED_ERROR_RATE ?? 0.05);
/**
 * x4, not bench:sync's x10: the latency is real time while the budget runs on the simulator's clock, so at
 * x10 150 ms stands for 1.5 s of Gorgias time and a sync that keeps a page and the next in flight is held
 * by the latency (about 1.5 x the budget's time), not by the budget. At x4 the budget binds, as it does
 * on a real account (x1), while a reading is still 4 times staler, in calls drained, than there.
 */
const CLOCK_SCALE = Number(process.env.BENCH_SHARED_CLOCK_SCALE ?? 4);
const OTHER_SHARE = 0.6;
/** The other integration's calls come in bursts this size: within the 20 % of the bucket (8 calls) our share leaves it. */
const OTHER_BURST = 6;
/** The target: our time within +15 % of what the rest of the budget allows. */
const TIME_TARGET = 1.15;

interface OtherCounts {
  calls: number;
  rateLimited: number;
  errors: number;
  maxUsed: number;
  seconds: number;
}

/** The other integration, in its own process; `stop()` returns its counts. */
async function startOtherClient(apiBase: string, callsPerSecond: number) {
  const child = spawn(
    process.execPath,
    [
      '-r',
      'ts-node/register/transpile-only',
      path.resolve(__dirname, 'other-client.ts'),
      apiBase,
      EMAIL,
      KEY,
      String(callsPerSecond),
      String(OTHER_BURST),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => out.includes('ready') && (clearInterval(check), resolve()), 20);
    child.once('exit', (c) => reject(new Error(`other client exited ${c}`)));
  });
  return {
    stop: async (): Promise<OtherCounts> => {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
      return JSON.parse(out.trim().split('\n').pop()!);
    },
  };
}

/** Runs the case and returns its section of docs/benchmarks.md. */
export async function runSharedCase(): Promise<string> {
  const rate = (RATE_LIMIT / WINDOW_SECONDS) * CLOCK_SCALE; // calls per (real) second allowed
  const otherRate = rate * OTHER_SHARE;
  const faults = ['--latency-ms', String(LATENCY_MS), '--error-rate', String(ERROR_RATE), '--fault-seed', '21'];
  const shared = await runOnce('shared account', ['--clock-scale', String(CLOCK_SCALE), ...faults], {
    size: { tickets: SHARED_TICKETS, messages: SHARED_MESSAGES },
    alongside: (port, sub) => startOtherClient(`http://127.0.0.1:${port}/${sub}/api`, otherRate),
  });
  const calls = shared.run.apiRequests;
  const served429 = (shared.statsAfter.rateLimited ?? 0) - (shared.statsBefore.rateLimited ?? 0);
  const faultsServed = (shared.statsAfter.faults ?? 0) - (shared.statsBefore.faults ?? 0);
  const other = shared.other as OtherCounts;
  // Their 429s over the whole time they ran include none before we started (they ran alone 2 s first).
  const our429 = Math.max(0, served429 - other.rateLimited);
  const restRate = rate * (1 - OTHER_SHARE);
  // The bucket starts below our share (the other client alone keeps it near empty): that first room is free.
  const startingRoom = Math.floor(RATE_LIMIT * 0.8);
  const allowedMs = (Math.max(0, calls - startingRoom) / restRate) * 1000;
  const ratio = shared.wallMs / allowedMs;
  // Calls one after another, each LATENCY_MS: what the latency alone would allow (the walks keep about one in flight).
  const latencyFloorMs = calls * LATENCY_MS;
  return `## bench:sync, a shared account on a bad day

\`npm run bench:sync -- --only shared\` (also the third case of \`npm run bench:sync\`) — initial sync of ${SHARED_TICKETS.toLocaleString('en')} tickets
and ${SHARED_MESSAGES.toLocaleString('en')} messages while the customer's other integration (bench/other-client.ts, its own process) calls the
same account at ${OTHER_SHARE * 100} % of ${RATE_LIMIT} / ${WINDOW_SECONDS} s (${otherRate.toFixed(1)} calls/s at simulator clock x${CLOCK_SCALE}), in bursts of ${OTHER_BURST} calls, never
retrying. The simulator answers every call ${LATENCY_MS} ms late (real time: the level in its header is that old when
read) and fails ${(ERROR_RATE * 100).toFixed(0)} % of them with a 5xx (seeded), both clients alike. Our pacer keeps the bucket within
GORGIAS_BUDGET_SHARE (default 80 %) of the limit. Run on ${new Date().toISOString().slice(0, 10)}, on a 2-core machine shared with other work:
times are noisy.

| figure | measured | bound / target |
|---|---|---|
| status | ${shared.run.status} | SUCCEEDED |
| other client's 429s | ${other.rateLimited} in ${other.calls} calls (${other.errors} 5xx or other errors; highest level it saw ${other.maxUsed}/${RATE_LIMIT}) | 0 |
| our 429s (served by the simulator to us) | ${our429} (client waits ${shared.run.rateLimitWaits}) | 0 |
| our API calls (retries included) | ${calls} (5xx served to both clients: ${faultsServed}) | — |
| latency alone (our calls one after another, ${LATENCY_MS} ms each) | ${(latencyFloorMs / 1000).toFixed(1)} s | ${latencyFloorMs < allowedMs ? "below the budget's time: the budget binds" : "above the budget's time: the latency binds, not the budget"} |
| our time (Save & Activate to SUCCEEDED seen) | ${(shared.wallMs / 1000).toFixed(1)} s | the remaining ${Math.round((1 - OTHER_SHARE) * 100)} % of the budget (${restRate.toFixed(1)} calls/s) allows ${(allowedMs / 1000).toFixed(1)} s for ${calls} calls after the first ${startingRoom} fill the bucket to our share; target ≤ ${TIME_TARGET.toFixed(2)} × → **${ratio.toFixed(2)} ×** |
`;
}
