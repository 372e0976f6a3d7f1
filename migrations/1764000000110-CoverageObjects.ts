import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 24: agents, teams, tags (with a ticket-tag link by id), satisfaction surveys, custom field
 * definitions, ticket custom field values as rows, and each ticket's history (ticket_events). Tickets gain
 * the assignee, the team, snoozed-until (spam is already there) and the time of the first public agent
 * message (kept by the message write path, TicketWriteRepository).
 *
 * - Every table is per tenant: tenant_id first in its primary key, with the composite foreign key to
 *   connectors (tenant_id, id) that migration 100 gave the others, so deleting a connector deletes its rows.
 *   tenant_id is `text`, as connectors.tenant_id is (a foreign key needs the same type).
 * - Keys are the provider's ids per connector (bigint), so a replayed page changes nothing.
 * - The link tables (ticket_tags, ticket_custom_field_values) have no foreign key to tickets: the ticket
 *   write path replaces a ticket's rows in the same transaction as the ticket, and a ticket deleted for
 *   good takes them with the connector; soft-deleted tickets keep them (as they keep messages).
 * - On Citus each table is hash-distributed on tenant_id, co-located with connectors (only when the
 *   extension exists), as migration 100 does: a tenant's rows of every table live on one node.
 */
export const COVERAGE_TABLES = [
  'agents',
  'teams',
  'tags',
  'ticket_tags',
  'satisfaction_surveys',
  'custom_field_definitions',
  'ticket_custom_field_values',
  'ticket_events',
];

/** What sync_quarantine may hold after this migration (before: ticket, message). */
const QUARANTINED_TYPES = ['ticket', 'message', 'agent', 'team', 'tag', 'satisfaction_survey', 'custom_field'];

export class CoverageObjects1764000000110 implements MigrationInterface {
  name = 'CoverageObjects1764000000110';

  async up(q: QueryRunner): Promise<void> {
    const [{ citus }] = await q.query(`SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') AS citus`);
    // As migration 100: one connection per worker for the whole transaction (Citus refuses DDL on a
    // distributed table after parallel multi-shard work in the same transaction: the tickets UPDATEs below).
    if (citus) await q.query(`SET LOCAL citus.multi_shard_modify_mode TO 'sequential'`);
    await q.query(`
      CREATE TABLE agents (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        external_id bigint NOT NULL,
        name text,
        email text,
        role text,
        active boolean NOT NULL DEFAULT true,
        deleted_at timestamptz,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, connector_id, external_id))`);
    await q.query(`
      CREATE TABLE teams (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        external_id bigint NOT NULL,
        name text NOT NULL,
        deleted_at timestamptz,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, connector_id, external_id))`);
    await q.query(`
      CREATE TABLE tags (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        external_id bigint NOT NULL,
        name text NOT NULL,
        merged_into_external_id bigint,
        deleted_at timestamptz,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, connector_id, external_id))`);
    await q.query(`
      CREATE TABLE ticket_tags (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        ticket_external_id bigint NOT NULL,
        tag_external_id bigint NOT NULL,
        PRIMARY KEY (tenant_id, connector_id, ticket_external_id, tag_external_id))`);
    // The `tag` filter and "tickets of a tag" (a merge retags them) start from the tag.
    await q.query(`CREATE INDEX ticket_tags_tag_idx ON ticket_tags (tenant_id, connector_id, tag_external_id)`);
    await q.query(`
      CREATE TABLE satisfaction_surveys (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        external_id bigint NOT NULL,
        ticket_external_id bigint,
        score smallint,
        body_text text,
        sent_at timestamptz,
        scored_at timestamptz,
        source_created_at timestamptz,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, connector_id, external_id))`);
    await q.query(`CREATE INDEX satisfaction_surveys_ticket_idx ON satisfaction_surveys (tenant_id, connector_id, ticket_external_id)`);
    // The sync re-reads unscored surveys younger than 30 days, oldest re-read first.
    await q.query(
      `CREATE INDEX satisfaction_surveys_unscored_idx ON satisfaction_surveys (tenant_id, connector_id, synced_at)
        WHERE scored_at IS NULL`,
    );
    await q.query(`
      CREATE TABLE custom_field_definitions (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        external_id bigint NOT NULL,
        label text NOT NULL,
        data_type text,
        object_type text,
        deactivated_at timestamptz,
        synced_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, connector_id, external_id))`);
    await q.query(`
      CREATE TABLE ticket_custom_field_values (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        ticket_external_id bigint NOT NULL,
        field_external_id bigint NOT NULL,
        value text,
        PRIMARY KEY (tenant_id, connector_id, ticket_external_id, field_external_id))`);
    await q.query(`
      CREATE TABLE ticket_events (
        tenant_id text NOT NULL,
        connector_id uuid NOT NULL,
        external_id bigint NOT NULL,
        ticket_external_id bigint NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        actor_external_id bigint,
        assignee_external_id bigint,
        team_external_id bigint,
        status text,
        tags_added text[] NOT NULL DEFAULT '{}',
        tags_removed text[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, connector_id, external_id))`);
    await q.query(`CREATE INDEX ticket_events_ticket_idx ON ticket_events (tenant_id, connector_id, ticket_external_id, at, external_id)`);

    await q.query(`ALTER TABLE tickets
      ADD COLUMN assignee_external_id bigint,
      ADD COLUMN team_external_id bigint,
      ADD COLUMN snoozed_until timestamptz,
      ADD COLUMN first_agent_reply_at timestamptz`);
    // The assigneeExternalId and teamExternalId filters, in the tickets' page order.
    await q.query(
      `CREATE INDEX tickets_tenant_assignee_idx ON tickets (tenant_id, assignee_external_id, updated_at DESC, id DESC)
        WHERE assignee_external_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX tickets_tenant_team_idx ON tickets (tenant_id, team_external_id, updated_at DESC, id DESC)
        WHERE team_external_id IS NOT NULL`,
    );
    // Tickets already stored: what their payload says, and their first public agent message.
    await q.query(`UPDATE tickets SET
        assignee_external_id = nullif(payload #>> '{assignee_user,id}', '')::bigint,
        team_external_id = nullif(payload #>> '{assignee_team,id}', '')::bigint
      WHERE payload ? 'assignee_user' OR payload ? 'assignee_team'`);
    // The snooze time is text in the payload, and text to timestamptz is STABLE, which Citus refuses on a
    // column in an UPDATE: the few snoozed tickets are read, and each one set by its key (one router query each).
    const snoozed: { tenant_id: string; connector_id: string; id: string; at: string }[] = await q.query(
      `SELECT tenant_id, connector_id, external_id::text AS id, payload ->> 'snooze_datetime' AS at FROM tickets
        WHERE nullif(payload ->> 'snooze_datetime', '') IS NOT NULL`,
    );
    for (const s of snoozed) {
      if (Number.isNaN(Date.parse(s.at))) continue;
      await q.query(`UPDATE tickets SET snoozed_until = $4::timestamptz WHERE tenant_id = $1 AND connector_id = $2 AND external_id = $3`, [
        s.tenant_id,
        s.connector_id,
        s.id,
        s.at,
      ]);
    }
    await q.query(`UPDATE tickets t SET first_agent_reply_at = f.at
        FROM (SELECT tenant_id, connector_id, ticket_external_id, min(created_at) AS at FROM messages
               WHERE from_agent AND public AND deleted_at IS NULL GROUP BY tenant_id, connector_id, ticket_external_id) f
       WHERE t.tenant_id = f.tenant_id AND t.connector_id = f.connector_id AND t.external_id = f.ticket_external_id`);

    // A refused agent, team, tag, survey or custom field is quarantined like a refused ticket or message.
    // (Two statements: Citus takes no ADD CONSTRAINT with other subcommands.)
    await q.query(`ALTER TABLE sync_quarantine DROP CONSTRAINT sync_quarantine_object_type_check`);
    await q.query(
      `ALTER TABLE sync_quarantine ADD CONSTRAINT sync_quarantine_object_type_check CHECK (object_type IN (${QUARANTINED_TYPES.map((t) => `'${t}'`).join(', ')}))`,
    );

    // Distributed first on Citus (a local table cannot reference the distributed connectors), then the
    // tenant-keyed foreign key: deleting a connector deletes its rows of every table.
    for (const table of COVERAGE_TABLES) {
      if (citus) await q.query(`SELECT create_distributed_table($1, 'tenant_id', colocate_with => 'connectors')`, [table]);
      await q.query(
        `ALTER TABLE ${table} ADD FOREIGN KEY (tenant_id, connector_id) REFERENCES connectors (tenant_id, id) ON DELETE CASCADE`,
      );
    }

    // Tickets already stored get their tags by id and their custom field values from their payload (as the
    // sync writes them: a string value as is, anything else as its JSON text; PostgreSQL's JSON text of a list
    // spaces its items, so such a value is rewritten, once, the next time the ticket is synced). Co-located
    // INSERT … SELECT: Citus runs it on each worker.
    await q.query(`INSERT INTO tags (tenant_id, connector_id, external_id, name)
      SELECT DISTINCT ON (t.tenant_id, t.connector_id, (tag ->> 'id')::bigint) t.tenant_id, t.connector_id, (tag ->> 'id')::bigint, tag ->> 'name'
        FROM tickets t, jsonb_array_elements(CASE WHEN jsonb_typeof(t.payload -> 'tags') = 'array' THEN t.payload -> 'tags' ELSE '[]' END) tag
       WHERE tag ->> 'id' ~ '^[1-9][0-9]{0,14}$' AND jsonb_typeof(tag -> 'name') = 'string'
      ON CONFLICT DO NOTHING`);
    await q.query(`INSERT INTO ticket_tags (tenant_id, connector_id, ticket_external_id, tag_external_id)
      SELECT t.tenant_id, t.connector_id, t.external_id, (tag ->> 'id')::bigint
        FROM tickets t, jsonb_array_elements(CASE WHEN jsonb_typeof(t.payload -> 'tags') = 'array' THEN t.payload -> 'tags' ELSE '[]' END) tag
       WHERE tag ->> 'id' ~ '^[1-9][0-9]{0,14}$'
      ON CONFLICT DO NOTHING`);
    await q.query(`INSERT INTO ticket_custom_field_values (tenant_id, connector_id, ticket_external_id, field_external_id, value)
      SELECT t.tenant_id, t.connector_id, t.external_id, f.key::bigint,
             CASE jsonb_typeof(f.value -> 'value') WHEN 'string' THEN f.value ->> 'value' ELSE (f.value -> 'value')::text END
        FROM tickets t,
             jsonb_each(CASE WHEN jsonb_typeof(t.payload -> 'custom_fields') = 'object' THEN t.payload -> 'custom_fields' ELSE '{}' END) f
       WHERE f.key ~ '^[1-9][0-9]{0,14}$' AND jsonb_typeof(f.value) = 'object' AND jsonb_typeof(f.value -> 'value') NOT IN ('null')
      ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM sync_quarantine WHERE object_type NOT IN ('ticket', 'message')`);
    await q.query(`ALTER TABLE sync_quarantine DROP CONSTRAINT sync_quarantine_object_type_check`);
    await q.query(
      `ALTER TABLE sync_quarantine ADD CONSTRAINT sync_quarantine_object_type_check CHECK (object_type IN ('ticket', 'message'))`,
    );
    await q.query(`DROP INDEX IF EXISTS tickets_tenant_assignee_idx`);
    await q.query(`DROP INDEX IF EXISTS tickets_tenant_team_idx`);
    await q.query(`ALTER TABLE tickets
      DROP COLUMN assignee_external_id, DROP COLUMN team_external_id, DROP COLUMN snoozed_until, DROP COLUMN first_agent_reply_at`);
    for (const table of [...COVERAGE_TABLES].reverse()) await q.query(`DROP TABLE ${table}`);
  }
}
