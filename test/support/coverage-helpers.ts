import type { SimAccount } from '../gorgias-simulator';
import { withDb } from './sync-helpers';

/**
 * Issue 24's objects, as we stored them and as the simulator has them, in the same terms, for exact
 * comparison: agents, teams, tags, surveys, custom field definitions, each ticket's tags (ids), custom field
 * values (text), assignee, team and snooze. Sorted, ids as decimal text, times as ISO strings.
 */
export interface CoverageView {
  agents: { id: string; name: string | null; email: string | null; role: string | null; active: boolean; deleted: boolean }[];
  teams: { id: string; name: string; deleted: boolean }[];
  tags: { id: string; name: string; deleted: boolean; mergedInto: string | null }[];
  surveys: {
    id: string;
    ticket: string | null;
    score: number | null;
    body: string | null;
    sentAt: string | null;
    scoredAt: string | null;
  }[];
  fields: { id: string; label: string; dataType: string | null; archived: boolean }[];
  ticketTags: string[];
  fieldValues: string[];
  assignments: string[];
}

const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
const byId = <T extends { id: string }>(rows: T[]) => rows.sort((a, b) => Number(a.id) - Number(b.id));

export function storedCoverage(url: string, connectorId: string): Promise<CoverageView> {
  return withDb(url, async (db) => {
    const q = async (sql: string) => (await db.query(sql, [connectorId])).rows;
    const agents = await q(
      `SELECT external_id::text AS id, name, email, role, active, deleted_at IS NOT NULL AS deleted FROM agents WHERE connector_id = $1`,
    );
    const teams = await q(`SELECT external_id::text AS id, name, deleted_at IS NOT NULL AS deleted FROM teams WHERE connector_id = $1`);
    const tags = await q(
      `SELECT external_id::text AS id, name, deleted_at IS NOT NULL AS deleted, merged_into_external_id::text AS "mergedInto"
         FROM tags WHERE connector_id = $1`,
    );
    const surveys = await q(
      `SELECT external_id::text AS id, ticket_external_id::text AS ticket, score, body_text AS body, sent_at AS "sentAt",
              scored_at AS "scoredAt" FROM satisfaction_surveys WHERE connector_id = $1`,
    );
    const fields = await q(
      `SELECT external_id::text AS id, label, data_type AS "dataType", deactivated_at IS NOT NULL AS archived
         FROM custom_field_definitions WHERE connector_id = $1`,
    );
    const ticketTags = await q(`SELECT ticket_external_id || ':' || tag_external_id AS k FROM ticket_tags WHERE connector_id = $1`);
    const values = await q(
      `SELECT ticket_external_id || ':' || field_external_id || '=' || value AS k FROM ticket_custom_field_values WHERE connector_id = $1`,
    );
    const assignments = await q(
      `SELECT external_id || ':' || coalesce(assignee_external_id::text, '-') || ':' || coalesce(team_external_id::text, '-') AS k,
              snoozed_until FROM tickets WHERE connector_id = $1 AND deleted_at IS NULL`,
    );
    return {
      agents: byId(agents),
      teams: byId(teams),
      tags: byId(tags),
      surveys: byId(surveys.map((s) => ({ ...s, sentAt: iso(s.sentAt), scoredAt: iso(s.scoredAt) }))),
      fields: byId(fields),
      ticketTags: ticketTags.map((r) => r.k).sort(),
      fieldValues: values.map((r) => r.k).sort(),
      assignments: assignments.map((r) => `${r.k}:${r.snoozed_until ? iso(r.snoozed_until) : '-'}`).sort(),
    };
  });
}

/** What the simulator has (its ground truth, shown by the API or not), in CoverageView's terms. */
export function gorgiasCoverage(acct: SimAccount): CoverageView {
  const cov = acct.coverage.snapshot();
  const tickets = acct.snapshot().tickets as any[];
  return {
    agents: byId(
      cov.users.map((u) => ({
        id: String(u.id),
        name: u.name ?? null,
        email: u.email ?? null,
        role: u.role?.name ?? null,
        active: u.active !== false,
        deleted: false,
      })),
    ),
    teams: byId(cov.teams.map((t) => ({ id: String(t.id), name: t.name, deleted: false }))),
    tags: byId(cov.tags.map((t) => ({ id: String(t.id), name: t.name, deleted: false, mergedInto: null }))),
    surveys: byId(
      cov.surveys.map((s) => ({
        id: String(s.id),
        ticket: String(s.ticket_id),
        score: s.score ?? null,
        body: s.body_text ?? null,
        sentAt: iso(s.sent_datetime),
        scoredAt: iso(s.scored_datetime),
      })),
    ),
    fields: byId(
      cov.customFields
        .filter((f) => f.object_type === 'Ticket')
        .map((f) => ({
          id: String(f.id),
          label: f.label,
          dataType: (f.definition?.data_type as string) ?? null,
          archived: !!f.deactivated_datetime,
        })),
    ),
    ticketTags: tickets.flatMap((t) => (t.tags ?? []).map((x: any) => `${t.id}:${x.id}`)).sort(),
    fieldValues: tickets
      .flatMap((t) =>
        Object.values(t.custom_fields ?? {})
          .filter((v: any) => v && v.value !== null && v.value !== undefined)
          .map((v: any) => `${t.id}:${v.id}=${typeof v.value === 'string' ? v.value : JSON.stringify(v.value)}`),
      )
      .sort(),
    assignments: tickets
      .map((t) => `${t.id}:${t.assignee_user?.id ?? '-'}:${t.assignee_team?.id ?? '-'}:${t.snooze_datetime ? iso(t.snooze_datetime) : '-'}`)
      .sort(),
  };
}

/** The calls a run made to issue 24's routes (users, teams, tags, surveys, custom fields), by route. */
export function coverageCalls(byRoute: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(byRoute).filter(([route]) => /users|teams|tags|satisfaction|custom-fields/.test(route)));
}

/** The change feed's position of a ticket (its `ticket_changes` seq), or null when it never changed. */
export function feedPosition(url: string, connectorId: string, ticketId: number): Promise<string | null> {
  return withDb(url, async (db) => {
    const { rows } = await db.query(`SELECT seq::text AS seq FROM ticket_changes WHERE connector_id = $1 AND ticket_external_id = $2`, [
      connectorId,
      ticketId,
    ]);
    return rows[0]?.seq ?? null;
  });
}
