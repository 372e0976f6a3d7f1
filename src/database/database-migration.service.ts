import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/** Arbitrary constant: the advisory lock that serialises migrations across gateway instances. */
const MIGRATION_LOCK_KEY = 7_320_114_001;

/**
 * Applies pending migrations at start-up. Several instances may start at once on one database,
 * so the run is serialised with a session-level advisory lock; the later ones find nothing to do.
 */
@Injectable()
export class DatabaseMigrationService implements OnModuleInit {
  private readonly logger = new Logger(DatabaseMigrationService.name);

  constructor(private readonly dataSource: DataSource) {}

  async onModuleInit(): Promise<void> {
    await runMigrationsLocked(this.dataSource, (names) => names.length && this.logger.log(`applied migrations: ${names.join(', ')}`));
  }
}

/**
 * Migrations run on connections of their own, without the pool's statement and idle-transaction
 * timeouts: rewriting a large table may rightly take longer than any API query may.
 */
export async function runMigrationsLocked(dataSource: DataSource, onApplied?: (names: string[]) => unknown) {
  const options = dataSource.options as PostgresConnectionOptions;
  const own = new DataSource({
    ...options,
    entities: [],
    subscribers: [],
    extra: { ...(options.extra ?? {}), max: 2, statement_timeout: 0, idle_in_transaction_session_timeout: 0 },
  } as PostgresConnectionOptions);
  await own.initialize();
  const runner = own.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await own.runMigrations({ transaction: 'each' });
    onApplied?.(applied.map((m) => m.name));
  } finally {
    // The lock is session-scoped: if unlocking fails the connection is broken, and releasing it below frees the lock.
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
    await own.destroy();
  }
}
