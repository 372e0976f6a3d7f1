import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12: a message's failed delivery time is kept (it is set after creation), and the events
 * stream remembers which events inside its overlap window were already handled, so a run does not
 * re-read the same tickets again for events the previous run handled.
 */
export class GorgiasFidelity1764000000080 implements MigrationInterface {
  name = 'GorgiasFidelity1764000000080';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages ADD COLUMN failed_at timestamptz`);
    await q.query(`ALTER TABLE sync_cursors ADD COLUMN handled_ids bigint[] NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_cursors DROP COLUMN handled_ids`);
    await q.query(`ALTER TABLE messages DROP COLUMN failed_at`);
  }
}
