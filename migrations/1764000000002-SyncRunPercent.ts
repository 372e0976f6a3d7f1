import { MigrationInterface, QueryRunner } from 'typeorm';

/** A run's progress is kept with it, so a portal that opens mid-run shows it before any live update. */
export class SyncRunPercent1764000000002 implements MigrationInterface {
  name = 'SyncRunPercent1764000000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN percent real NOT NULL DEFAULT 0`);
    await q.query(`UPDATE sync_runs SET percent = 100 WHERE status = 'SUCCEEDED'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP COLUMN percent`);
  }
}
