import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

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
    await runMigrationsLocked(this.dataSource, (names) =>
      names.length && this.logger.log(`applied migrations: ${names.join(', ')}`),
    );
  }
}

export async function runMigrationsLocked(dataSource: DataSource, onApplied?: (names: string[]) => unknown) {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    onApplied?.(applied.map((m) => m.name));
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}
