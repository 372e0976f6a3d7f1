import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { MessageBodiesOnce1764000000130 } from '../../migrations/1764000000130-MessageBodiesOnce';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/** Migration 130: message bodies stored once (in their columns), the payload's copies removed. */
describe('migration 1764000000130: message bodies stored once', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, migrations: migrations.filter((m) => m !== MessageBodiesOnce1764000000130) });
    await ds.initialize();
    await runMigrationsLocked(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const payloads = () =>
    ds.query(`SELECT external_id::int AS id, payload FROM messages ORDER BY external_id`).then((r) => r.map((x: any) => x.payload));

  it('removes the bodies from stored payloads, keeps every other field, and puts them back on the way down', async () => {
    const [c] = await ds.query(
      `INSERT INTO connectors (tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
       VALUES ('t', 'c', 'a@example.com', 't', 'x', 'k', 'abcd', 'ACTIVE') RETURNING id`,
    );
    await ds.query(
      `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, created_at, body_text, body_html, stripped_text, payload)
       VALUES ('t', $1, 1, 1, now(), 'text', '<p>text</p>', 'text',
               '{"id": 1, "body_text": "text", "body_html": "<p>text</p>", "stripped_text": "text", "sender": {"email": "a@x"}}'),
              ('t', $1, 2, 1, now(), NULL, NULL, NULL, '{"id": 2, "channel": "chat"}')`,
      [c.id],
    );
    const migration = new MessageBodiesOnce1764000000130();
    const runner = ds.createQueryRunner();
    try {
      await migration.up(runner);
      expect(await payloads()).toEqual([
        { id: 1, sender: { email: 'a@x' } },
        { id: 2, channel: 'chat' },
      ]);
      await migration.down(runner);
      expect((await payloads())[0]).toEqual({
        id: 1,
        body_text: 'text',
        body_html: '<p>text</p>',
        stripped_text: 'text',
        sender: { email: 'a@x' },
      });
    } finally {
      await runner.release();
    }
  });
});
