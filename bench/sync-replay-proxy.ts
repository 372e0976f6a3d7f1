/**
 * A recording HTTP proxy between the gateway and the Gorgias simulator, run in its own process by
 * bench/sync-replay.ts (issue 27, item 1: "replay recorded pages from memory in the bench").
 *
 * Record mode forwards every request to the simulator and keeps its answer (status, headers, body bytes)
 * under method + path + query. Replay mode answers a recorded key from memory with those bytes, so the
 * simulator builds no page while the sync runs; a key never recorded is forwarded live and counted.
 * The sync still makes every HTTP request and parses every body: only the simulator's work is removed.
 *
 *   node -r ts-node/register/transpile-only bench/sync-replay-proxy.ts --port P --upstream U
 * Control (not forwarded): GET /__replay/mode?m=record|replay, /__replay/upstream?port=N, /__replay/stats.
 */
import { Agent, createServer, IncomingHttpHeaders, IncomingMessage, request, ServerResponse } from 'node:http';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

// Hop-by-hop headers are the connection's, not the answer's; the length is set from the body kept.
const DROPPED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

function arg(name: string): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = Number(process.argv[i + 1]);
  if (i < 0 || !Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a port number, not ${process.argv[i + 1]}`);
  return n;
}

const recorded = new Map<string, Answer>();
const counts = { recorded: 0, replayed: 0, live: 0 };
let mode: 'record' | 'replay' = 'record';
let upstream = arg('upstream');
const agent = new Agent({ keepAlive: true, maxSockets: 32 });

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function forward(req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: `127.0.0.1:${upstream}` };
    const out = request({ host: '127.0.0.1', port: upstream, method: req.method, path: req.url, headers, agent }, (res) => {
      readBody(res).then((b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }), reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

function send(res: ServerResponse, answer: Answer): void {
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(answer.headers)) if (v !== undefined && !DROPPED.has(k)) headers[k] = v;
  headers['content-length'] = String(answer.body.length);
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function control(url: URL, res: ServerResponse): void {
  if (url.pathname === '/__replay/mode') {
    const m = url.searchParams.get('m');
    if (m !== 'record' && m !== 'replay') throw new Error(`mode m must be record or replay, not ${m}`);
    mode = m;
  } else if (url.pathname === '/__replay/upstream') {
    const port = Number(url.searchParams.get('port'));
    if (!Number.isInteger(port) || port <= 0) throw new Error(`upstream port must be a port number, not ${url.searchParams.get('port')}`);
    upstream = port;
  } else if (url.pathname !== '/__replay/stats') {
    throw new Error(`unknown control route ${url.pathname}`);
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ mode, upstream, keys: recorded.size, ...counts }));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://proxy');
  if (url.pathname.startsWith('/__replay/')) return control(url, res);
  const key = `${req.method} ${req.url}`;
  const kept = mode === 'replay' ? recorded.get(key) : undefined;
  if (kept) {
    counts.replayed++;
    return send(res, kept);
  }
  const answer = await forward(req, await readBody(req));
  if (mode === 'record') {
    recorded.set(key, answer);
    counts.recorded++;
  } else {
    counts.live++;
  }
  send(res, answer);
}

const port = arg('port');
createServer({ keepAlive: true }, (req, res) => {
  handle(req, res).catch((e: Error) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`replay proxy: ${e.message}`);
  });
}).listen(port, '127.0.0.1', () => process.stdout.write(`replay proxy on 127.0.0.1:${port}\n`));
