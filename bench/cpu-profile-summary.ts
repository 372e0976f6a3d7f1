/**
 * `ts-node --transpile-only bench/cpu-profile-summary.ts FILE.cpuprofile` — where the gateway's CPU went
 * during a sync (BENCH_CPU_PROFILE=FILE npm run bench:sync -- --only floor), by the stage of a page.
 *
 * Each sample goes to the first rule that matches its stack, leaf first: the leaf says what ran
 * (JSON.parse, the pg driver, GC), the nearest project frame says for which part of the page.
 */
import { readFileSync } from 'node:fs';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

/** Categories of a stack (leaf first); the first that matches names the sample. */
const RULES: [string, (frames: Node['callFrame'][]) => boolean][] = [
  ['(idle: waiting for PostgreSQL or the simulator)', (f) => f[0].functionName === '(idle)'],
  ['(the bench: profiler stop, CPU sampling)', (f) => f.some((x) => x.url === 'node:inspector' || /bench\/sync-harness/.test(x.url))],
  ['garbage collection', (f) => f[0].functionName === '(garbage collector)'],
  [
    'JSON.parse of API answers',
    (f) => nearestSrc(f, /src\/gorgias\/gorgias-response/) || (f[0].functionName === 'parse' && inStack(f, /axios/)),
  ],
  [
    'JSON.stringify of write parameters (jsonb_to_recordset)',
    (f) => f.some((x) => x.functionName === 'stringify') && inStack(f, /repositories/),
  ],
  ['pg driver (send queries, parse rows)', (f) => inLeafSide(f, /node_modules\/(pg|pg-protocol|pg-types|pg-pool)\//)],
  [
    'HTTP client (axios, http, sockets)',
    (f) => inLeafSide(f, /axios|follow-redirects|node:_http|node:net|node:stream|node:zlib|form-data/),
  ],
  ['TypeORM (query runner, transactions)', (f) => inLeafSide(f, /node_modules\/typeorm\//)],
  ['mapping and sanitising (src/gorgias, src/sync/engine/source)', (f) => nearestSrc(f, /src\/(gorgias|sync\/engine\/source)\//)],
  ['write SQL building (src/tickets/repositories)', (f) => nearestSrc(f, /src\/tickets\//)],
  ['change feed, checkpoint, observers (src/sync, src/tickets/changes)', (f) => nearestSrc(f, /src\/(sync|tickets\/changes)\//)],
  ['GraphQL polling of the bench, HTTP server', (f) => inStack(f, /graphql|apollo|express|nestjs|pino/)],
  ['(program, other native)', (f) => f[0].functionName === '(program)' || f[0].url === ''],
  ['other', () => true],
];

function inStack(frames: Node['callFrame'][], re: RegExp): boolean {
  return frames.some((x) => re.test(x.url));
}
/** The leaf side of the stack: frames before the first project frame. */
function inLeafSide(frames: Node['callFrame'][], re: RegExp): boolean {
  for (const x of frames) {
    if (/\/src\//.test(x.url) && !/node_modules/.test(x.url)) return false;
    if (re.test(x.url)) return true;
  }
  return false;
}
function nearestSrc(frames: Node['callFrame'][], re: RegExp): boolean {
  const first = frames.find((x) => /\/src\//.test(x.url) && !/node_modules/.test(x.url));
  return !!first && re.test(first.url);
}

export function summarise(profile: Profile): { category: string; ms: number; share: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const memo = new Map<number, string>();
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    all += dt;
    let cat = memo.get(id);
    if (!cat) {
      const frames: Node['callFrame'][] = [];
      for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) frames.push(byId.get(cur)!.callFrame);
      cat = RULES.find(([, test]) => test(frames))![0];
      memo.set(id, cat);
    }
    totals.set(cat, (totals.get(cat) ?? 0) + dt);
  });
  return [...totals.entries()].map(([category, ms]) => ({ category, ms, share: ms / all })).sort((a, b) => b.ms - a.ms);
}

/** The heaviest functions by self time, with their file (for the report's detail). */
export function topSelf(profile: Profile, n = 25): { fn: string; ms: number }[] {
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFn = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = self.get(node.id);
    if (!ms) continue;
    const url = node.callFrame.url.replace(/^.*\/(node_modules|src|bench|test)\//, '$1/');
    const key = `${node.callFrame.functionName || '(anonymous)'} ${url}`;
    byFn.set(key, (byFn.get(key) ?? 0) + ms);
  }
  return [...byFn.entries()]
    .map(([fn, ms]) => ({ fn, ms }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: cpu-profile-summary.ts FILE.cpuprofile');
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const rows = summarise(profile);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  const notBusy = (c: string) => c.startsWith('(idle') || c.startsWith('(the bench');
  const busy = rows.filter((r) => !notBusy(r.category)).reduce((s, r) => s + r.ms, 0);
  process.stdout.write(`| gateway CPU by part of a page | ms | of wall | of busy |\n|---|---|---|---|\n`);
  for (const r of rows) {
    const ofBusy = notBusy(r.category) ? '—' : `${((r.ms / busy) * 100).toFixed(1)} %`;
    process.stdout.write(`| ${r.category} | ${Math.round(r.ms)} | ${(r.share * 100).toFixed(1)} % | ${ofBusy} |\n`);
  }
  process.stdout.write(`| total | ${Math.round(total)} | | |\n\nTop self time:\n`);
  for (const t of topSelf(profile)) process.stdout.write(`  ${Math.round(t.ms)} ms  ${t.fn}\n`);
}
