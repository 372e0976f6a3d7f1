/**
 * The customer's other integration, for `npm run bench:sync`: calls one Gorgias account at a fixed
 * average rate from its own process, in bursts of `burst` calls at once (a page and its details, say),
 * never retrying, and counts its 429s. Prints one JSON line on SIGTERM.
 *   node -r ts-node/register/transpile-only bench/other-client.ts <apiBase> <email> <apiKey> <callsPerSecond> [burst]
 */
const [apiBase, email, apiKey, rateArg, burstArg] = process.argv.slice(2);
const rate = Number(rateArg);
const burst = Math.max(1, Number(burstArg ?? 1));
if (!apiBase || !email || !apiKey || !(rate > 0)) {
  process.stderr.write('usage: other-client.ts <apiBase> <email> <apiKey> <callsPerSecond>\n');
  process.exit(2);
}
const auth = `Basic ${Buffer.from(`${email}:${apiKey}`).toString('base64')}`;
const counts = { calls: 0, rateLimited: 0, errors: 0, maxUsed: 0 };
const started = Date.now();

// Burst number n goes at started + n * burst / rate, so the average rate holds.
async function loop(): Promise<void> {
  for (let n = 0; ; n++) {
    const due = started + (n * burst * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let i = 0; i < burst; i++) call();
  }
}

function call(): void {
  void fetch(`${apiBase}/tickets?limit=1`, { headers: { authorization: auth, accept: 'application/json' } })
    .then(async (res) => {
      counts.calls++;
      if (res.status === 429) counts.rateLimited++;
      else if (!res.ok) counts.errors++;
      const used = Number((res.headers.get('x-gorgias-account-api-call-limit') ?? '').split('/')[0]);
      if (Number.isFinite(used)) counts.maxUsed = Math.max(counts.maxUsed, used);
      await res.arrayBuffer();
    })
    .catch(() => counts.errors++);
}

process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 })}\n`);
  process.exit(0);
});
process.stdout.write('ready\n');
void loop();
