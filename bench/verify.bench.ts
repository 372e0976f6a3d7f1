/**
 * npm run bench:verify — a full verification of 10,000 tickets and 50,000 messages, 1 % of the rows damaged.
 *
 *  1. At the real rate limit (40 calls per 20 s), the simulator's clock scaled by CLOCK_SCALE: the initial
 *     sync, then 1 % of the rows damaged behind the API (bench/verify-harness.ts damageOnePercent), then a
 *     verification that only counts, one that repairs, and one more that must find nothing. Calls against
 *     the bound ceil(T/100) + ceil(M/100) (M: messages the list shows), wall time against what the rate
 *     limit allows for those calls.
 *  2. With the rate limit off: rows compared per second, against the floor of the same pages listed
 *     from the simulator with no database work, in the same process (the ratio is what to compare; the
 *     machine is shared).
 *
 * The simulator runs in its own process (bench/sync-harness.ts startSimulator).
 */
import { writeBenchSection } from './bench-report';
import { CLOCK_SCALE, control, MESSAGES, RATE_LIMIT, TICKETS, WINDOW_SECONDS } from './sync-harness';
import { damageOnePercent, listEverything, SUB, timedVerification, withSyncedAccount } from './verify-harness';

const differences = (v: any) => v.ticketsMissing + v.ticketsStale + v.ticketsExtra + v.messagesMissing + v.messagesStale;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** The unlimited case alone (`npm run bench:verify -- --only unlimited`): prints, writes nothing. */
async function unlimitedCase() {
  return withSyncedAccount(['--no-rate-limit'], async (env) => {
    await damageOnePercent(env, TICKETS, MESSAGES);
    const floor = await listEverything(env.simPort);
    const counted = await timedVerification(env, false);
    const floorAfter = await listEverything(env.simPort);
    return { floor, floorAfter, counted };
  });
}

async function main() {
  if (process.argv.includes('--only')) {
    const u = await unlimitedCase();
    const floorMs = Math.min(u.floor.ms, u.floorAfter.ms);
    const rows = u.counted.ticketsChecked + u.counted.messagesChecked;
    process.stdout.write(
      `${rows} rows in ${u.counted.runMs} ms (${Math.round((rows / u.counted.runMs) * 1000)}/s); floor ${floorMs} ms; ${(u.counted.runMs / floorMs).toFixed(2)}x\n`,
    );
    return;
  }
  const limited = await withSyncedAccount(['--clock-scale', String(CLOCK_SCALE)], async (env) => {
    const stats = (await control(env.simPort, `${SUB}/stats`)).data as { tickets: number; listedMessages: number };
    const damage = await damageOnePercent(env, TICKETS, MESSAGES);
    const counted = await timedVerification(env, false);
    const repaired = await timedVerification(env, true);
    const clean = await timedVerification(env, false);
    return { stats, damage, counted, repaired, clean };
  });
  const unlimited = await unlimitedCase();

  const { stats, damage, counted, repaired, clean } = limited;
  const bound = Math.ceil(stats.tickets / 100) + Math.ceil(stats.listedMessages / 100);
  const rate = (RATE_LIMIT / WINDOW_SECONDS) * CLOCK_SCALE;
  // The bucket starts with room for RATE_LIMIT calls at once (less what the sync left in it); the rest at the drain rate.
  const allowedMs = (calls: number) => (Math.max(0, calls - RATE_LIMIT) / rate) * 1000;
  const rows = (v: any) => v.ticketsChecked + v.messagesChecked;
  const floorMs = Math.min(unlimited.floor.ms, unlimited.floorAfter.ms);
  const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');
  const line = (name: string, v: any) =>
    `| ${name} | ${v.apiRequests} (${((v.apiRequests / bound - 1) * 100).toFixed(1)} % over) | ${s(v.runMs)} vs ${s(allowedMs(v.apiRequests))} allowed (${(v.runMs / allowedMs(v.apiRequests)).toFixed(2)}x) | ${differences(v)} | ${v.repaired} |`;

  const table = `## bench:verify

\`npm run bench:verify\` — verification of ${TICKETS.toLocaleString('en')} tickets and ${MESSAGES.toLocaleString('en')} messages
(${stats.listedMessages.toLocaleString('en')} listed by \`/api/messages\`: the simulator leaves out trashed tickets' messages), after damaging 1 %
of the rows behind the API: ${damage.staleTickets} subjects changed, ${damage.goneTickets} tickets deleted with their ${damage.goneMessages} messages,
${damage.ghosts} tickets added that Gorgias never had, ${damage.deletedMessages} messages deleted, ${damage.staleMessages} message bodies changed.
Gorgias limit ${RATE_LIMIT} calls / ${WINDOW_SECONDS} s, simulator clock x${CLOCK_SCALE} (${rate} calls/s); default VERIFY_BUDGET_SHARE.
Run on ${new Date().toISOString().slice(0, 10)}.

Bound: ceil(T/100) + ceil(M/100) = ${Math.ceil(stats.tickets / 100)} + ${Math.ceil(stats.listedMessages / 100)} = ${bound} calls; target ≤ ${Math.floor(bound * 1.1)} (+10 %).

| verification (rate-limited) | API calls vs bound | run time vs rate limit | differences found | rows repaired |
|---|---|---|---|---|
${line('repair: false (count only)', counted)}
${line('repair: true', repaired)}
${line('again, after the repair', clean)}

The repairing one makes one more call per extra ticket (${damage.ghosts}: each is read on its own, a 404 marks it deleted).
Counts found: tickets missing ${counted.ticketsMissing}, stale ${counted.ticketsStale}, extra ${counted.ticketsExtra};
messages missing ${counted.messagesMissing}, stale ${counted.messagesStale}.

| rows compared per second (rate limit off) | measured | floor: the same ${unlimited.floor.calls} pages listed, no database | ratio |
|---|---|---|---|
| ${rows(unlimited.counted).toLocaleString('en')} rows in ${s(unlimited.counted.runMs)} | ${perSecond(rows(unlimited.counted), unlimited.counted.runMs)} /s | ${perSecond(unlimited.floor.rows, floorMs)} /s (${s(floorMs)}, best of 2) | ${(unlimited.counted.runMs / floorMs).toFixed(2)}x the floor's time |
`;
  process.stdout.write(`${table}\n`);
  writeBenchSection('verify', table);
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
