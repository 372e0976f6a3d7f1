/** Writing answers and reading request bodies on node's `http` objects. */
import type * as http from 'node:http';

export interface Reply {
  status: number;
  /** A string is sent as HTML; anything else as JSON; undefined as an empty body. */
  body: unknown;
  headers?: Record<string, string>;
}

/** Writes `r`; with `truncate`, sends the full Content-Length but only half the body, then closes. */
export function send(res: http.ServerResponse, r: Reply, truncate = false): void {
  if (res.destroyed || res.writableEnded) return;
  const isHtml = typeof r.body === 'string';
  const buf = r.body === undefined ? Buffer.alloc(0) : Buffer.from(isHtml ? (r.body as string) : JSON.stringify(r.body), 'utf8');
  res.writeHead(r.status, {
    'Content-Type': isHtml ? 'text/html; charset=utf-8' : 'application/json',
    'Content-Length': String(buf.length),
    ...(r.headers ?? {}),
  });
  if (truncate) {
    res.write(buf.subarray(0, Math.floor(buf.length / 2)), () => res.socket?.destroy());
    return;
  }
  res.end(buf);
}

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
