import type { DataSource } from 'typeorm';

/**
 * Coverage rows (issue 24) for the read specs, written straight into the tables of migration 110, for two
 * tenants whose connectors reuse the same Gorgias ids (so a read that lost its tenant would show the other's).
 *
 * Tenant A, connector A1 (tickets 1001..1006, created an hour apart from 2025-01-01, updated newest first
 * in external id order: 1006 is the first of the list):
 *
 * | ticket | assignee | team | tags | survey | first agent reply | history |
 * |---|---|---|---|---|---|---|
 * | 1001 | 101 Alice | 201 Billing | refund, vip | 5 "Great" | +30 min | assigned 102, assigned 101, team 201, tags +refund, closed |
 * | 1002 | 102 Bob | 202 Shipping | refund | 2 | +120 min | assigned 102 |
 * | 1003 | 101 Alice | - | shipping | sent, not scored | +60 min | assigned 101, assigned 102, assigned 101 |
 * | 1004 | - (spam, snoozed) | - | vip, late (305: not in the tags list, named by the ticket) | - | - | - |
 * | 1005 | 999 (not listed) | 203 (deleted) | refund | 4 | - | - |
 * | 1006 | 102 Bob | - | - | - | - | 7 status events (paging) |
 *
 * Agents 101 Alice (agent), 102 Bob (agent), 103 Carol (admin, deactivated), 104 Dan (deleted); teams 201
 * Billing, 202 Shipping, 203 Gone (deleted); tags 301 refund, 302 vip, 303 shipping, 304 Refunds (merged
 * into 301); custom fields 401 "Order number" (1001: A-1; 1002: A-2), 402 "Reason" (1001: ["damaged","late"]),
 * and a value of field 499 whose definition is not synced (1002: x).
 *
 * Tenant B, connector B1: the same ids with other names (agent 101 Mallory, tag 301 "refund" on its
 * ticket 1001 with a survey of 1, team 201 "Other team"), and its ticket 1001 assigned to 101.
 */
export const COVERAGE_A1 = '0c000000-0000-4000-8000-0000000000a1';
export const COVERAGE_B1 = '0c000000-0000-4000-8000-0000000000b1';
export const COVERAGE_TENANT_A = 'coverage-a';
export const COVERAGE_TENANT_B = 'coverage-b';
export const COVERAGE_CREATED = Date.parse('2025-01-01T00:00:00Z');
const HOUR = 3_600_000;
const MIN = 60_000;

/** `created_at` of a seeded ticket (1001 + i is created i hours after COVERAGE_CREATED). */
export const createdOf = (externalId: number) => new Date(COVERAGE_CREATED + (externalId - 1001) * HOUR);
const at = (externalId: number, minutes: number) => new Date(createdOf(externalId).getTime() + minutes * MIN).toISOString();

async function connectors(db: DataSource) {
  await db.query(
    `INSERT INTO connectors (id, tenant_id, name, email, subdomain, api_key_ciphertext, api_key_key_id, api_key_last4, status)
     VALUES ($1, $3, 'Coverage A', 'a@acme.test', 'cova', 'x', 'k', '1111', 'ACTIVE'),
            ($2, $4, 'Coverage B', 'b@other.test', 'covb', 'x', 'k', '2222', 'ACTIVE')`,
    [COVERAGE_A1, COVERAGE_B1, COVERAGE_TENANT_A, COVERAGE_TENANT_B],
  );
}

interface SeedTicket {
  id: number;
  assignee?: number;
  team?: number;
  spam?: boolean;
  snoozedUntil?: string;
  firstReplyMinutes?: number;
  tags?: number[];
  payload?: unknown;
}

async function tickets(db: DataSource, tenant: string, connector: string, list: SeedTicket[]) {
  for (const t of list) {
    await db.query(
      `INSERT INTO tickets (tenant_id, connector_id, external_id, subject, status, created_at, updated_at, payload,
         assignee_external_id, team_external_id, spam, snoozed_until, first_agent_reply_at, tags)
       VALUES ($1, $2, $3::bigint, 'Subject ' || $3::bigint::text, 'open', $4, $5, $12, $6, $7, $8, $9, $10, $11)`,
      [
        tenant,
        connector,
        t.id,
        createdOf(t.id).toISOString(),
        new Date(Date.parse('2025-02-01T00:00:00Z') + t.id * MIN).toISOString(),
        t.assignee ?? null,
        t.team ?? null,
        t.spam ?? false,
        t.snoozedUntil ?? null,
        t.firstReplyMinutes == null ? null : at(t.id, t.firstReplyMinutes),
        [],
        JSON.stringify(t.payload ?? {}),
      ],
    );
    for (const tag of t.tags ?? []) {
      await db.query(`INSERT INTO ticket_tags (tenant_id, connector_id, ticket_external_id, tag_external_id) VALUES ($1, $2, $3, $4)`, [
        tenant,
        connector,
        t.id,
        tag,
      ]);
    }
  }
}

async function directory(db: DataSource, tenant: string, connector: string, names: { agent101: string; team201: string }) {
  const agents: [number, string, string, string, boolean, string | null][] = [
    [101, names.agent101, 'alice@acme.test', 'agent', true, null],
    [102, 'Bob', 'bob@acme.test', 'agent', true, null],
    [103, 'Carol', 'carol@acme.test', 'admin', false, null],
    [104, 'Dan', 'dan@acme.test', 'agent', true, '2025-01-05T00:00:00Z'],
  ];
  for (const [id, name, email, role, active, deleted] of agents) {
    await db.query(
      `INSERT INTO agents (tenant_id, connector_id, external_id, name, email, role, active, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [tenant, connector, id, name, email, role, active, deleted],
    );
  }
  const teams: [number, string, string | null][] = [
    [201, names.team201, null],
    [202, 'Shipping', null],
    [203, 'Gone', '2025-01-05T00:00:00Z'],
  ];
  for (const [id, name, deleted] of teams) {
    await db.query(`INSERT INTO teams (tenant_id, connector_id, external_id, name, deleted_at) VALUES ($1, $2, $3, $4, $5)`, [
      tenant,
      connector,
      id,
      name,
      deleted,
    ]);
  }
  const tags: [number, string, number | null][] = [
    [301, 'refund', null],
    [302, 'vip', null],
    [303, 'shipping', null],
    [304, 'Refunds', 301],
  ];
  for (const [id, name, merged] of tags) {
    await db.query(`INSERT INTO tags (tenant_id, connector_id, external_id, name, merged_into_external_id) VALUES ($1, $2, $3, $4, $5)`, [
      tenant,
      connector,
      id,
      name,
      merged,
    ]);
  }
}

async function survey(
  db: DataSource,
  tenant: string,
  connector: string,
  id: number,
  ticket: number,
  score: number | null,
  body: string | null,
) {
  await db.query(
    `INSERT INTO satisfaction_surveys (tenant_id, connector_id, external_id, ticket_external_id, score, body_text, sent_at, scored_at, source_created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7)`,
    [tenant, connector, id, ticket, score, body, at(ticket, 24 * 60), score == null ? null : at(ticket, 26 * 60)],
  );
}

interface SeedEvent {
  id: number;
  ticket: number;
  type: string;
  minutes: number;
  actor?: number;
  assignee?: number;
  team?: number;
  status?: string;
  tagsAdded?: string[];
}

async function events(db: DataSource, tenant: string, connector: string, list: SeedEvent[]) {
  for (const e of list) {
    await db.query(
      `INSERT INTO ticket_events (tenant_id, connector_id, external_id, ticket_external_id, type, at, actor_external_id,
         assignee_external_id, team_external_id, status, tags_added)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        tenant,
        connector,
        e.id,
        e.ticket,
        e.type,
        at(e.ticket, e.minutes),
        e.actor ?? null,
        e.assignee ?? null,
        e.team ?? null,
        e.status ?? null,
        e.tagsAdded ?? [],
      ],
    );
  }
}

export async function seedCoverage(db: DataSource): Promise<void> {
  await connectors(db);
  const A = [COVERAGE_TENANT_A, COVERAGE_A1] as const;
  await directory(db, ...A, { agent101: 'Alice', team201: 'Billing' });
  await tickets(db, ...A, [
    { id: 1001, assignee: 101, team: 201, tags: [301, 302], firstReplyMinutes: 30 },
    { id: 1002, assignee: 102, team: 202, tags: [301], firstReplyMinutes: 120 },
    { id: 1003, assignee: 101, tags: [303], firstReplyMinutes: 60 },
    // 305 is not in the tags list yet: the ticket's own copy names it.
    {
      id: 1004,
      spam: true,
      snoozedUntil: '2025-03-01T09:00:00.000Z',
      tags: [302, 305],
      payload: {
        tags: [
          { id: 302, name: 'vip' },
          { id: 305, name: 'late' },
        ],
      },
    },
    { id: 1005, assignee: 999, team: 203, tags: [301] },
    { id: 1006, assignee: 102 },
  ]);
  await survey(db, ...A, 9001, 1001, 5, 'Great');
  await survey(db, ...A, 9002, 1002, 2, null);
  await survey(db, ...A, 9003, 1003, null, null);
  await survey(db, ...A, 9005, 1005, 4, null);
  await db.query(
    `INSERT INTO custom_field_definitions (tenant_id, connector_id, external_id, label, data_type, object_type)
     VALUES ($1, $2, 401, 'Order number', 'text', 'Ticket'), ($1, $2, 402, 'Reason', 'dropdown', 'Ticket')`,
    [...A],
  );
  await db.query(
    `INSERT INTO ticket_custom_field_values (tenant_id, connector_id, ticket_external_id, field_external_id, value)
     VALUES ($1, $2, 1001, 401, 'A-1'), ($1, $2, 1001, 402, '["damaged","late"]'), ($1, $2, 1002, 401, 'A-2'), ($1, $2, 1002, 499, 'x')`,
    [...A],
  );
  await events(db, ...A, [
    { id: 50_001, ticket: 1001, type: 'ticket-assigned', minutes: 5, actor: 101, assignee: 102 },
    { id: 50_002, ticket: 1001, type: 'ticket-assigned', minutes: 10, actor: 102, assignee: 101 },
    { id: 50_003, ticket: 1001, type: 'ticket-team-assigned', minutes: 11, actor: 101, team: 201 },
    { id: 50_004, ticket: 1001, type: 'ticket-tags-added', minutes: 12, actor: 101, tagsAdded: ['refund'] },
    { id: 50_005, ticket: 1001, type: 'ticket-closed', minutes: 40, actor: 101, status: 'closed' },
    { id: 50_011, ticket: 1002, type: 'ticket-assigned', minutes: 1, assignee: 102 },
    { id: 50_021, ticket: 1003, type: 'ticket-assigned', minutes: 1, assignee: 101 },
    { id: 50_022, ticket: 1003, type: 'ticket-assigned', minutes: 2, actor: 101, assignee: 102 },
    { id: 50_023, ticket: 1003, type: 'ticket-assigned', minutes: 3, actor: 102, assignee: 101 },
    // 1006: seven status changes; two share an instant (the external id orders them).
    ...[0, 1, 2, 3, 3, 4, 5].map((m, i) => ({
      id: 50_060 + i,
      ticket: 1006,
      type: i % 2 ? 'ticket-reopened' : 'ticket-closed',
      minutes: m,
      status: i % 2 ? 'open' : 'closed',
    })),
  ]);

  const B = [COVERAGE_TENANT_B, COVERAGE_B1] as const;
  await directory(db, ...B, { agent101: 'Mallory', team201: 'Other team' });
  await tickets(db, ...B, [{ id: 1001, assignee: 101, team: 201, tags: [301], firstReplyMinutes: 1 }]);
  await survey(db, ...B, 9001, 1001, 1, 'Bad');
  await events(db, ...B, [{ id: 50_001, ticket: 1001, type: 'ticket-assigned', minutes: 1, actor: 101, assignee: 101 }]);
}
