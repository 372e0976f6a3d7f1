/**
 * A micro-benchmark of two steps of a page's mapping (issue 27, round 3h), each against the form it
 * replaced, kept here as the reference: `storablePayload` (copies from the first change only) against
 * a copy of every level, and `pageJson` (one serialisation unless the JSON holds `\u0000`) against a
 * NUL-removing replacer on every value. The pages are 500 of the simulator's messages. Every result
 * string is flattened (one character read), as the driver does when it sends it: V8 builds
 * JSON.stringify's result lazily, and timing it unflattened understates it.
 *
 *   npx ts-node --transpile-only bench/page-mapping.micro.ts
 */
import { MAX_PAYLOAD_TEXT_CHARS, storablePayload, storableText } from '../src/gorgias/mappers/storable-text';
import { toMessageRows } from '../src/sync/engine/source/helpdesk-source';
import { pageJson } from '../src/tickets/repositories/upsert-statements';
import { startGorgiasSimulator } from '../test/gorgias-simulator/server';

const ROUNDS = 4;
const ITERATIONS = 300;

/** The payload cleaning before round 3h: a new object per level, compared afterwards. */
function copyingClean(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value, MAX_PAYLOAD_TEXT_CHARS);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 32) return null;
  if (Array.isArray(value)) {
    const items = value.map((v) => copyingClean(v, depth + 1));
    return items.every((v, i) => v === value[i]) ? value : items;
  }
  const out: Record<string, unknown> = {};
  let changed = false;
  for (const [k, v] of Object.entries(value)) {
    const key = storableText(k, 1_000);
    const cleaned = copyingClean(v, depth + 1);
    if (key !== k || cleaned !== v) changed = true;
    out[key] = cleaned;
  }
  return changed ? out : value;
}

/** The serialisation before round 3h: the replacer on every value. */
const replacerJson = (rows: unknown[]) =>
  JSON.stringify(rows, (_k, v) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v));

async function messagesOfSimulator(count: number): Promise<unknown[]> {
  const sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
  try {
    sim.addAccount({ subdomain: 'acme', email: 'bench@acme.test', apiKey: 'k', tickets: 300, messages: count * 3, seed: 1 });
    const auth = `Basic ${Buffer.from('bench@acme.test:k').toString('base64')}`;
    const out: unknown[] = [];
    let cursor: string | undefined;
    while (out.length < count) {
      const res = await fetch(`${sim.baseUrl}/acme/api/messages?limit=100${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: auth },
      });
      const page = (await res.json()) as { data: unknown[]; meta?: { next_cursor?: string } };
      out.push(...page.data);
      cursor = page.meta?.next_cursor;
      if (!cursor) break;
    }
    return out.slice(0, count);
  } finally {
    await sim.close();
  }
}

function time(fn: () => unknown): number {
  for (let i = 0; i < 20; i++) fn();
  const t0 = performance.now();
  for (let i = 0; i < ITERATIONS; i++) fn();
  return (performance.now() - t0) / ITERATIONS;
}

async function main() {
  const messages = await messagesOfSimulator(500);
  const rows = toMessageRows(messages as Parameters<typeof toMessageRows>[0]);
  if (pageJson(rows) !== replacerJson(rows)) throw new Error('pageJson and the replacer form differ on a clean page');
  process.stdout.write(`${messages.length} messages, ${JSON.stringify(messages).length} characters of JSON; ms per page of them:\n`);
  for (let r = 0; r < ROUNDS; r++) {
    const before = time(() => messages.forEach((m) => copyingClean(m)));
    const after = time(() => messages.forEach((m) => storablePayload(m)));
    const jsonBefore = time(() => replacerJson(rows).charCodeAt(0));
    const jsonAfter = time(() => pageJson(rows).charCodeAt(0));
    process.stdout.write(
      `round ${r + 1}: storablePayload ${before.toFixed(2)} -> ${after.toFixed(2)} ms; pageJson ${jsonBefore.toFixed(2)} -> ${jsonAfter.toFixed(2)} ms\n`,
    );
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
