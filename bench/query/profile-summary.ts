/**
 * Where the gateway's CPU time goes, from a V8 CPU profile (`.cpuprofile`, as `node --cpu-prof`
 * writes): self time per part of the stack. Time in native or built-in frames (no script URL) counts
 * for the nearest caller that has one, except JSON.stringify/parse, the microtask queue, GC and idle, which
 * stand alone; the profiler's own frames are left out.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

/** First match wins: [part, test on the script URL]. */
const PARTS: [string, RegExp][] = [
  [
    'pg driver (send SQL, parse rows)',
    /node_modules\/(pg|pg-protocol|pg-types|pg-pool|postgres-[a-z]+|pgpass|buffer-writer|packet-reader)\//,
  ],
  ['TypeORM (query runner)', /node_modules\/typeorm\//],
  ['DataLoader', /node_modules\/dataloader\//],
  ['graphql-js parse', /node_modules\/graphql\/language\//],
  ['graphql-js validate', /node_modules\/(graphql\/validation|graphql-depth-limit)\/|src\/common\/introspection-depth/],
  ['graphql-js execution', /node_modules\/graphql\/|node_modules\/graphql-jit\//],
  ['complexity plugin (graphql-query-complexity)', /node_modules\/graphql-query-complexity\/|src\/common\/query-complexity/],
  ['Nest resolver wrapping (guards, pipes, params)', /node_modules\/@nestjs\/(graphql|core|common)\//],
  ['class-validator / class-transformer', /node_modules\/(class-validator|class-transformer|validator)\//],
  ['Apollo Server (request pipeline, plugins)', /node_modules\/(@apollo|@as-integrations|@graphql-tools)\//],
  [
    'logging (pino, pino-http)',
    /node_modules\/(pino|pino-http|nestjs-pino|pino-std-serializers|sonic-boom|thread-stream|fast-redact|@pinojs)\//,
  ],
  ['auth (JWT)', /node_modules\/(jsonwebtoken|jws|jwa|@nestjs\/jwt)\/|src\/auth\//],
  [
    'HTTP framework (Fastify, middie, helmet, cors: routing, body parsing, middleware)',
    /node_modules\/(fastify|@fastify\/[a-z-]+|@nestjs\/platform-fastify|find-my-way|avvio|light-my-request|fast-json-stringify|secure-json-parse|fast-querystring|toad-cache|rfdc|abstract-logging|process-warning|helmet|express|body-parser|raw-body|router|iconv-lite|type-is|content-type|on-finished|finalhandler|send|qs|cors|depd|debug|mime|accepts|negotiator|media-typer|encodeurl|escape-html|parseurl|fresh|etag|vary|cookie|setprototypeof|statuses|http-errors|merge-descriptors|safe-buffer|bytes|unpipe|ee-first|destroy|forwarded|proxy-addr|ipaddr\.js|range-parser|serve-static|utils-merge|path-to-regexp|@nestjs\/platform-express)\//,
  ],
  ['tickets module (SQL building, row mapping, resolvers)', /src\/tickets\//],
  ['pagination (connections, cursors)', /src\/common\/pagination\//],
  ['rest of the app', /^(?!.*node_modules).*\/src\//],
  ['async_hooks (AsyncLocalStorage context on every promise)', /^node:internal\/async_hooks|^node:async_hooks/],
  ['Node HTTP, sockets, streams, timers', /^node:/],
  ['ts-node / other node_modules', /node_modules\//],
];

/** Node internals that are work of their own (sockets, HTTP parsing, the event loop); other built-ins count for their caller. */
const NODE_OWN = /^node:(_http|net|stream|timers|async_hooks|internal\/(stream|streams|http|js_stream|process|timers|async_hooks))/;

const SERIALIZATION = 'JSON serialization of the answer';

/** The profiler's own work (collecting the profile at stop): not the gateway's. */
const PROFILER = 'profiler';

/**
 * The part of the gateway a script belongs to (by its URL or path); undefined for a Node built-in whose
 * time counts for its caller (e.g. Buffer decoding for pg). Shared with the perf profile (perf-profile.ts).
 */
export function partOfScript(url: string): string | undefined {
  return url.startsWith('node:') && !NODE_OWN.test(url) ? undefined : partOfUrl(url);
}

function partOfUrl(url: string): string {
  return PARTS.find(([, re]) => re.test(url))?.[0] ?? 'other';
}

export interface ProfileBreakdown {
  totalMs: number;
  busyMs: number;
  parts: { part: string; ms: number }[];
}

export function summarize(file: string): ProfileBreakdown {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const partCache = new Map<number, string>();
  const partOf = (id: number): string => {
    const hit = partCache.get(id);
    if (hit) return hit;
    const { functionName, url } = byId.get(id)!.callFrame;
    let part: string | undefined;
    if (functionName === '(idle)') part = 'idle';
    else if (functionName === '(garbage collector)') part = 'garbage collection';
    else if (functionName === '(program)') part = 'V8 / native (unattributed)';
    else if (functionName === '(root)') part = 'V8 / native (unattributed)';
    else if (!url && (functionName === 'stringify' || functionName === 'parse')) part = `JSON.${functionName}`;
    else if (functionName === 'prettyJSONStringify')
      part = SERIALIZATION; // Apollo's JSON.stringify of the answer
    else if (!url && functionName === 'runMicrotasks') part = 'promise machinery (microtask queue)';
    else if (url === 'node:inspector') part = PROFILER;
    else if (url) part = partOfScript(url) ?? (parent.has(id) ? partOf(parent.get(id)!) : partOfUrl(url));
    else {
      const p = parent.get(id);
      part = p === undefined ? 'V8 / native (unattributed)' : partOf(p);
    }
    partCache.set(id, part);
    return part;
  };

  const ms = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    const part = partOf(id);
    ms.set(part, (ms.get(part) ?? 0) + dt);
  });
  const busy = total - (ms.get('idle') ?? 0) - (ms.get(PROFILER) ?? 0);
  const parts = [...ms.entries()]
    .filter(([p]) => p !== 'idle' && p !== PROFILER)
    .map(([part, v]) => ({ part, ms: v }))
    .sort((a, b) => b.ms - a.ms);
  return { totalMs: total, busyMs: busy, parts };
}
