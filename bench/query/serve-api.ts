/**
 * bench:query contender: the gateway itself, as deployed (NODE_ENV=production, log level warn), in its
 * own process. Counts every SQL statement its pg clients send.
 */
import '../production-mode';
import 'reflect-metadata';
import { createHttpApp } from '../../src/http-app';
import { serveParent } from './child';
import { countSql, sqlStats } from './sql-counter';

countSql();

async function main() {
  const app = await createHttpApp({ logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  serveParent((await app.getUrl()).replace('[::1]', '127.0.0.1'), () => sqlStats);
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
