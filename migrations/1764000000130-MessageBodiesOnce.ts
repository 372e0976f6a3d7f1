import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A message's bodies (body_text, body_html, stripped_text) are stored once, in their columns: the sync no
 * longer copies them into `payload` (src/gorgias/mappers/message.mapper.ts), where they were 40 % of a
 * message row's bytes. This removes the copies already stored, so that a re-read of an unchanged message
 * finds it equal and writes nothing. Nothing reads the payload's bodies (the API, search and the change
 * feed read the columns, which keep them whole up to 1,000,000 characters; the payload kept 100,000).
 *
 * One UPDATE of every message that has a copy: it rewrites those rows once (on Citus, each shard in
 * parallel); the space comes back to the table with the next VACUUM. `down` puts the columns' text back.
 */
export class MessageBodiesOnce1764000000130 implements MigrationInterface {
  name = 'MessageBodiesOnce1764000000130';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE messages SET payload = payload - 'body_text' - 'body_html' - 'stripped_text'
        WHERE payload ?| array['body_text', 'body_html', 'stripped_text']`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `UPDATE messages SET payload = payload || jsonb_build_object('body_text', body_text, 'body_html', body_html, 'stripped_text', stripped_text)
        WHERE jsonb_typeof(payload) = 'object'`,
    );
  }
}
