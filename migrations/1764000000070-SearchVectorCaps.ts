import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Search vectors read a bounded prefix of each text. A tsvector holds at most 1 MB, so a customer who
 * pasted a large log as the first message of a ticket made the row unstorable ("string is too long for
 * tsvector") and rolled back its whole page. The text itself is still stored; search finds the first
 * part. Messages also record the original length of a body that was cut before storing.
 * PostgreSQL 14 cannot change a generated column's expression in place: the columns are re-created.
 */
export class SearchVectorCaps1764000000070 implements MigrationInterface {
  name = 'SearchVectorCaps1764000000070';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN search`);
    await q.query(`
      ALTER TABLE tickets ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', left(coalesce(subject, ''), 2000) || ' ' || left(coalesce(description, ''), 100000)
          || ' ' || left(coalesce(excerpt, ''), 2000))
      ) STORED`);
    await q.query(`CREATE INDEX tickets_search_idx ON tickets USING gin (search)`);
    await q.query(`ALTER TABLE messages DROP COLUMN search`);
    await q.query(`
      ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', left(coalesce(subject, ''), 2000) || ' ' || left(coalesce(body_text, ''), 100000))
      ) STORED`);
    await q.query(`CREATE INDEX messages_search_idx ON messages USING gin (search)`);
    // Characters Gorgias sent for the longest body field when it was cut to MAX_STORED_TEXT_CHARS; null when whole.
    await q.query(`ALTER TABLE messages ADD COLUMN body_original_length int`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE messages DROP COLUMN body_original_length`);
    await q.query(`ALTER TABLE messages DROP COLUMN search`);
    await q.query(`
      ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(subject, '') || ' ' || left(coalesce(body_text, ''), 100000))
      ) STORED`);
    await q.query(`CREATE INDEX messages_search_idx ON messages USING gin (search)`);
    await q.query(`ALTER TABLE tickets DROP COLUMN search`);
    await q.query(`
      ALTER TABLE tickets ADD COLUMN search tsvector GENERATED ALWAYS AS (
        to_tsvector('simple', coalesce(subject, '') || ' ' || coalesce(description, '') || ' ' || coalesce(excerpt, ''))
      ) STORED`);
    await q.query(`CREATE INDEX tickets_search_idx ON tickets USING gin (search)`);
  }
}
