/**
 * bench:query peer: PostGraphile 5 (Amber preset, grafserv on node:http) over the same tables and data,
 * in its own process, with a pool of BENCH_CONNECTIONS clients. A dev dependency, used only here.
 */
import { createServer } from 'node:http';
import { serveParent } from './child';
import { countSql, sqlStats } from './sql-counter';

countSql();

// PostGraphile 5 asks for Node 22; the project runs on Node 20, which lacks Promise.withResolvers (the one Node 22
// API grafast and @dataplan/pg call). This bench-only shim is the same few lines as the standard one.
(Promise as any).withResolvers ??= function <T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

// Plain requires, untyped: PostGraphile's types augment the 'graphql' module globally (grafast's ExecutionResult),
// which would change how the app's own code type-checks; some subpaths also need node16 module resolution.
const { postgraphile } = require('postgraphile');
const { makePgService } = require('postgraphile/adaptors/pg');
const { grafserv } = require('postgraphile/grafserv/node');
const { PostGraphileAmberPreset } = require('postgraphile/presets/amber');

async function main() {
  // Typed loosely: the preset's pgServices/grafserv keys come from the type augmentations of the requires above.
  const preset: any = {
    extends: [PostGraphileAmberPreset],
    // As PostGraphile 4's ignoreIndexes: filter and order on any column (the API filters on unindexed deleted_at too).
    disablePlugins: ['PgIndexBehaviorsPlugin'],
    pgServices: [
      makePgService({
        connectionString: process.env.DATABASE_URL,
        schemas: ['public'],
        poolConfig: { max: Number(process.env.BENCH_CONNECTIONS ?? 8) },
      }),
    ],
    grafserv: { graphqlPath: '/graphql', watch: false },
    grafast: { explain: false },
  };
  const pgl = postgraphile(preset);
  const serv: any = pgl.createServ(grafserv);
  const server = createServer();
  await serv.addTo(server, false);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address() as { port: number };
  await pgl.getSchema(); // built before the first request
  serveParent(`http://127.0.0.1:${addr.port}`, () => sqlStats);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
