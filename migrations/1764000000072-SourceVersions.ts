import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages and customers remember which version of Gorgias' object they hold (tickets have
 * updated_at): an older copy written late (a replay, or a run that lost its lease) never overwrites
 * a newer one. Null on rows written before: any copy may replace those once.
 */
export class SourceVersions1764000000072 implements MigrationInterface {
  name = 'SourceVersions1764000000072';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN source_version timestamptz`);
    await q.query(`ALTER TABLE customers ADD COLUMN source_version timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customers DROP COLUMN source_version`);
    await q.query(`ALTER TABLE messages DROP COLUMN source_version`);
  }
}
