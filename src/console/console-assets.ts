import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface ConsoleAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** The folder beside this file: src/console/public when run from source, dist/src/console/public once built. */
export const PUBLIC_DIR = path.join(__dirname, 'public');

/** graphql-ws's own browser build (UMD, sets `window.graphqlWs`), served from node_modules: no CDN. */
function graphqlWsBrowserBuild(): string {
  return path.join(path.dirname(require.resolve('graphql-ws')), '..', 'umd', 'graphql-ws.min.js');
}

/**
 * Every file the console serves, read once at start-up and kept in memory: a fixed set of names,
 * so a request path can never reach another file.
 */
export function loadConsoleAssets(): Map<string, ConsoleAsset> {
  const files = new Map<string, string>();
  for (const name of readdirSync(PUBLIC_DIR)) {
    if (TYPES[path.extname(name)]) files.set(name, path.join(PUBLIC_DIR, name));
  }
  files.set('graphql-ws.js', graphqlWsBrowserBuild());
  const assets = new Map<string, ConsoleAsset>();
  for (const [name, file] of files) {
    const body = readFileSync(file);
    assets.set(name, {
      body,
      contentType: TYPES[path.extname(name)],
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  }
  return assets;
}
