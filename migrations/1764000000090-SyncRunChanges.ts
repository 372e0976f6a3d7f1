import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run's `tickets_synced` / `messages_synced` now count rows the run changed; what it read from
 * Gorgias gets its own columns. `changed` says whether the run changed anything, so that the
 * history can leave out quiet polls (a run every minute that re-read the overlap window) through
 * a partial index that holds only the runs worth showing.
 */
export class SyncRunChanges1764000000090 implements MigrationInterface {
  name = 'SyncRunChanges1764000000090';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sync_runs
        ADD COLUMN tickets_read int NOT NULL DEFAULT 0,
        ADD COLUMN messages_read int NOT NULL DEFAULT 0,
        ADD COLUMN changed boolean GENERATED ALWAYS AS (tickets_synced > 0 OR messages_synced > 0 OR tickets_deleted > 0) STORED`);
    // Runs recorded before counted what they read as synced: that is what they read. (Whether they
    // changed anything is not known any more; they count as changed until history retention drops them.)
    await q.query(`UPDATE sync_runs SET tickets_read = tickets_synced, messages_read = messages_synced`);
    await q.query(
      `CREATE INDEX sync_runs_eventful_idx ON sync_runs (connector_id, created_at DESC, id DESC) WHERE changed OR status <> 'SUCCEEDED'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sync_runs_eventful_idx`);
    await q.query(`ALTER TABLE sync_runs DROP COLUMN changed, DROP COLUMN messages_read, DROP COLUMN tickets_read`);
  }
}
