import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The last connection check of a connector (Test Connection on the saved connector, Save & Activate,
 * a change of credentials): its code, the guide's advice and when. A draft whose check failed keeps
 * the reason, so the console can say "needs attention" and what to fix.
 */
export class ConnectorLastCheck1764000000095 implements MigrationInterface {
  name = 'ConnectorLastCheck1764000000095';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE connectors
        ADD COLUMN last_check_ok boolean,
        ADD COLUMN last_check_code text,
        ADD COLUMN last_check_message text,
        ADD COLUMN last_checked_at timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE connectors
        DROP COLUMN last_check_ok, DROP COLUMN last_check_code, DROP COLUMN last_check_message, DROP COLUMN last_checked_at`);
  }
}
