/**
 * Applies pending migrations (the app also does this at start-up): `npm run migration:run`.
 * Uses DATABASE_URL, or starts the embedded development database when it is unset.
 */
import 'reflect-metadata';
import { migrations } from '../migrations';
import { runMigrationsLocked } from '../src/database/database-migration.service';
import { runWithDatabase } from './with-database';

runWithDatabase({ migrations, migrationsTransactionMode: 'each' }, (dataSource) =>
  runMigrationsLocked(dataSource, (names) =>
    process.stdout.write(names.length ? `applied: ${names.join(', ')}\n` : 'nothing to apply: the schema is up to date\n'),
  ),
);
