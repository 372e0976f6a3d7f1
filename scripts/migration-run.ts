/**
 * Applies pending migrations (the app also does this at start-up): `npm run migration:run`.
 * Uses DATABASE_URL, or starts the embedded development database when it is unset.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations';
import { runMigrationsLocked } from '../src/database/database-migration.service';
import { prepareRuntime } from '../src/runtime';

async function main(): Promise<void> {
  const runtime = await prepareRuntime((m) => process.stdout.write(`${m}\n`));
  const dataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, migrations, migrationsTransactionMode: 'each' });
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource, (names) =>
      process.stdout.write(names.length ? `applied: ${names.join(', ')}\n` : 'nothing to apply: the schema is up to date\n'),
    );
  } finally {
    await dataSource.destroy();
    await runtime.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e.message ?? e}\n`);
  process.exit(1);
});
