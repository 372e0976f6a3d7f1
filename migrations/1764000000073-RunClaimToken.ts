import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each claim of a run gets its own token, and every write of the run is fenced by it. Fencing by the
 * instance alone let one instance that stalled past its lease reclaim its own run and execute it
 * twice, both executions passing the fence.
 */
export class RunClaimToken1764000000073 implements MigrationInterface {
  name = 'RunClaimToken1764000000073';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs ADD COLUMN lease_token uuid`);
    // Runs held when this migration runs keep working for their instance until their lease ends: give them a token now.
    await q.query(`UPDATE sync_runs SET lease_token = gen_random_uuid() WHERE status = 'RUNNING'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sync_runs DROP COLUMN lease_token`);
  }
}
