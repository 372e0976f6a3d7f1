import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { CoverageObjects1764000000110 } from '../../migrations/1764000000110-CoverageObjects';
import { runMigrationsLocked } from '../../src/database/database-migration.service';
import { createTestDatabase, TestDatabase } from '../support/test-database';

/**
 * Migration 110 on a database in use: tickets synced before it get their assignee, team, snooze, tags by id,
 * custom field values and first agent reply from what is already stored (payload, messages), and down undoes it.
 */
describe('migration 1764000000110 (coverage objects) on a database in use', () => {
  let db: TestDatabase;
  let ds: DataSource;
  const before = migrations.slice(0, migrations.indexOf(CoverageObjects1764000000110));

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, migrations: before, logging: false });
    await ds.initialize();
    await runMigrationsLocked(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('fills the new columns and tables from the stored tickets and messages', async () => {
    const [c] = await ds.query(
      `INSERT INTO connectors (tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
       VALUES ('t1', 'c', 'a@example.com', 'sub', 'x', 'k', 'abcd', 'ACTIVE') RETURNING id`,
    );
    const payload = {
      assignee_user: { id: 7, email: 'agent@x.test' },
      assignee_team: { id: 3, name: 'T' },
      snooze_datetime: '2026-02-01T00:00:00.000000+00:00',
      tags: [
        { id: 11, name: 'vip' },
        { id: 'bad', name: 'x' },
      ],
      custom_fields: { '5': { id: 5, value: 'Refund' }, '6': { id: 6, value: 2 }, '8': { id: 8, value: null } },
    };
    await ds.query(
      `INSERT INTO tickets (tenant_id, connector_id, external_id, status, created_at, updated_at, payload)
       VALUES ('t1', $1, 1, 'open', now(), now(), $2), ('t1', $1, 2, 'open', now(), now(), '{}')`,
      [c.id, JSON.stringify(payload)],
    );
    await ds.query(
      `INSERT INTO messages (tenant_id, connector_id, external_id, ticket_external_id, from_agent, public, created_at, payload)
       VALUES ('t1', $1, 100, 1, false, true, '2026-01-01T00:00:00Z', '{}'), ('t1', $1, 101, 1, true, false, '2026-01-01T01:00:00Z', '{}'),
              ('t1', $1, 102, 1, true, true, '2026-01-01T02:00:00Z', '{}')`,
      [c.id],
    );
    await ds.destroy();

    ds = new DataSource({ type: 'postgres', url: db.url, migrations, logging: false });
    await ds.initialize();
    let applied: string[] = [];
    await runMigrationsLocked(ds, (names) => (applied = names));
    expect(applied).toEqual(['CoverageObjects1764000000110']);

    const tickets = await ds.query(
      `SELECT external_id::int AS id, assignee_external_id::int AS assignee, team_external_id::int AS team, snoozed_until, first_agent_reply_at
         FROM tickets ORDER BY 1`,
    );
    expect(tickets).toEqual([
      {
        id: 1,
        assignee: 7,
        team: 3,
        snoozed_until: new Date('2026-02-01T00:00:00Z'),
        first_agent_reply_at: new Date('2026-01-01T02:00:00Z'),
      },
      { id: 2, assignee: null, team: null, snoozed_until: null, first_agent_reply_at: null },
    ]);
    expect(await ds.query(`SELECT ticket_external_id::int AS t, tag_external_id::int AS tag FROM ticket_tags`)).toEqual([
      { t: 1, tag: 11 },
    ]);
    expect(await ds.query(`SELECT external_id::int AS id, name FROM tags`)).toEqual([{ id: 11, name: 'vip' }]);
    expect(await ds.query(`SELECT field_external_id::int AS f, value FROM ticket_custom_field_values ORDER BY 1`)).toEqual([
      { f: 5, value: 'Refund' },
      { f: 6, value: '2' },
    ]);

    // Deleting the connector deletes its rows of the new tables too.
    await ds.query(`DELETE FROM connectors WHERE id = $1`, [c.id]);
    expect(await ds.query(`SELECT (SELECT count(*) FROM ticket_tags)::int + (SELECT count(*) FROM tags)::int AS n`)).toEqual([{ n: 0 }]);

    await ds.undoLastMigration();
    const [{ n }] = await ds.query(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name IN ('agents', 'ticket_events')`,
    );
    expect(n).toBe(0);
  });
});
