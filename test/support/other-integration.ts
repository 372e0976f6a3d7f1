/**
 * The customer's other integration on a simulated Gorgias account: calls it at `callsPerSecond` on
 * average, `burst` calls at once, whatever the level (it never waits and never retries), and counts
 * the 429s it meets. `stop()` waits for its calls to answer and returns the counts.
 */
export function startOtherIntegration(apiBase: string, email: string, apiKey: string, callsPerSecond: number, burst: number) {
  const auth = `Basic ${Buffer.from(`${email}:${apiKey}`).toString('base64')}`;
  const counts = { calls: 0, refused: 0 };
  const pending: Promise<void>[] = [];
  const started = Date.now();
  let running = true;
  const loop = (async () => {
    for (let n = 0; running; n++) {
      // Burst n goes at started + n * burst / rate, so the average rate holds.
      const wait = started + (n * burst * 1000) / callsPerSecond - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      for (let i = 0; i < burst && running; i++) {
        const call = fetch(`${apiBase}/tickets?limit=1`, { headers: { authorization: auth } }).then(async (res) => {
          counts.calls++;
          if (res.status === 429) counts.refused++;
          await res.arrayBuffer();
        });
        pending.push(call.catch(() => undefined));
      }
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await Promise.all(pending);
      return counts;
    },
  };
}
