/**
 * The customer's other integration, for `npm run bench:sync`: calls one Gorgias account at a fixed
 * rate from its own process, never retrying, and counts its 429s. Prints one JSON line on SIGTERM.
 *   node -r ts-node/register/transpile-only bench/other-client.ts <apiBase> <email> <apiKey> <callsPerSecond>
 */
const [apiBase, email, apiKey, rateArg] = process.argv.slice(2);
const rate = Number(rateArg);
if (!apiBase || !email || !apiKey || !(rate > 0)) {
  process.stderr.write('usage: other-client.ts <apiBase> <email> <apiKey> <callsPerSecond>\n');
  process.exit(2);
}
const auth = `Basic ${Buffer.from(`${email}:${apiKey}`).toString('base64')}`;
const counts = { calls: 0, rateLimited: 0, errors: 0, maxUsed: 0 };
const started = Date.now();

// Spread evenly: call number n goes at started + n / rate (no catch-up bursts after a slow answer).
async function loop(): Promise<void> {
  for (let n = 0; ; n++) {
    const due = started + (n * 1000) / rate;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
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
}

process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ ...counts, seconds: (Date.now() - started) / 1000 })}\n`);
  process.exit(0);
});
process.stdout.write('ready\n');
void loop();
