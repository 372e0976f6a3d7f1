import type { AgentWriteRow } from '../../tickets/model/agent.table';
import type { CustomFieldDefinitionWriteRow, TicketCustomFieldValueWriteRow } from '../../tickets/model/custom-field.table';
import type { SatisfactionSurveyWriteRow } from '../../tickets/model/satisfaction-survey.table';
import type { TagWriteRow, TicketTagWriteRow } from '../../tickets/model/tag.table';
import type { TeamWriteRow } from '../../tickets/model/team.table';
import {
  GorgiasCustomField,
  GorgiasSatisfactionSurvey,
  GorgiasTagDefinition,
  GorgiasTeam,
  GorgiasTicket,
  GorgiasUser,
} from '../gorgias.types';
import { customerName } from './customer.mapper';
import { latestById } from './latest-by-id';
import { MAX_SHORT_TEXT_CHARS, MAX_STORED_TEXT_CHARS, storableOrNull, storableText } from './storable-text';

/**
 * Gorgias users, teams, tags, satisfaction surveys and custom fields as write rows (issue 24), and the
 * ticket's tag ids and custom field values as link rows. Hostile content (an id that is no positive safe
 * integer, a missing name) is left out here, never sent to the database: one such record cannot refuse a page.
 */

const short = (s: unknown) => (typeof s === 'string' ? storableOrNull(s, MAX_SHORT_TEXT_CHARS) : null);
const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
const dedupe = <T extends { id: number }>(items: T[]) =>
  latestById(
    items.filter((i) => !!i && isId(i.id)),
    () => null,
  );

export function toAgentRows(users: GorgiasUser[]): AgentWriteRow[] {
  return dedupe(users).map((u) => ({
    external_id: u.id,
    name: short(u.name) ?? short(customerName(u)),
    email: short(u.email),
    role: short(u.role?.name),
    // A user with no `active` (not in the reference) is taken as active unless it carries a deactivation time.
    active: typeof u.active === 'boolean' ? u.active : !u.deactivated_datetime,
  }));
}

export function toTeamRows(teams: GorgiasTeam[]): TeamWriteRow[] {
  return dedupe(teams).map((t) => ({ external_id: t.id, name: short(t.name) ?? `Team ${t.id}` }));
}

export function toTagRows(tags: GorgiasTagDefinition[]): TagWriteRow[] {
  return dedupe(tags)
    .filter((t) => typeof t.name === 'string')
    .map((t) => ({ external_id: t.id, name: storableText(t.name, MAX_SHORT_TEXT_CHARS) }));
}

export function toSatisfactionSurveyRows(surveys: GorgiasSatisfactionSurvey[]): SatisfactionSurveyWriteRow[] {
  return dedupe(surveys).map((s) => ({
    external_id: s.id,
    ticket_external_id: isId(s.ticket_id) ? s.ticket_id : null,
    // 1..5 per the reference; anything else is kept out of the smallint rather than refusing the page.
    score: typeof s.score === 'number' && Number.isInteger(s.score) && s.score >= 0 && s.score <= 100 ? s.score : null,
    body_text: typeof s.body_text === 'string' ? storableText(s.body_text, MAX_STORED_TEXT_CHARS) : null,
    sent_at: s.sent_datetime ?? null,
    scored_at: s.scored_datetime ?? null,
    source_created_at: s.created_datetime ?? null,
  }));
}

export function toCustomFieldDefinitionRows(fields: GorgiasCustomField[]): CustomFieldDefinitionWriteRow[] {
  return dedupe(fields).map((f) => ({
    external_id: f.id,
    label: short(f.label) ?? `Field ${f.id}`,
    data_type: short(f.definition?.data_type),
    object_type: short(f.object_type),
    deactivated_at: f.deactivated_datetime ?? null,
  }));
}

/** The tags the tickets carry, as tag rows (a ticket's `tags` give id and name): tags the lists have not shown yet. */
export function toTicketTagDefinitionRows(tickets: GorgiasTicket[]): TagWriteRow[] {
  return toTagRows(tickets.flatMap((t) => (t.tags ?? []).filter((x) => !!x && isId(x.id)) as GorgiasTagDefinition[]));
}

/** Each ticket's tags by id. */
export function toTicketTagRows(tickets: GorgiasTicket[]): TicketTagWriteRow[] {
  const out = new Map<string, TicketTagWriteRow>();
  for (const t of tickets) {
    for (const tag of t.tags ?? []) {
      if (tag && isId(tag.id)) out.set(`${t.id}:${tag.id}`, { ticket_external_id: t.id, tag_external_id: tag.id });
    }
  }
  return [...out.values()];
}

/**
 * Each ticket's custom field values, one row per field with a value: a string as is, anything else as
 * its JSON text (numbers, booleans, lists, objects). A null or missing value has no row.
 */
export function toTicketCustomFieldValueRows(tickets: GorgiasTicket[]): TicketCustomFieldValueWriteRow[] {
  const out = new Map<string, TicketCustomFieldValueWriteRow>();
  for (const t of tickets) {
    const fields = t.custom_fields;
    if (!fields || typeof fields !== 'object') continue;
    for (const [key, entry] of Object.entries(fields)) {
      const fieldId = entry && isId(entry.id) ? entry.id : /^\d{1,15}$/.test(key) ? Number(key) : null;
      const value = entry && typeof entry === 'object' ? entry.value : undefined;
      if (!fieldId || value === null || value === undefined) continue;
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      out.set(`${t.id}:${fieldId}`, {
        ticket_external_id: t.id,
        field_external_id: fieldId,
        value: storableText(text, MAX_STORED_TEXT_CHARS),
      });
    }
  }
  return [...out.values()];
}
