import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import type { CustomFieldValueRow, ExternalKey, FirstAgentReplyRow, SurveyRow, TicketTagRow } from '../model/coverage-read.types';

/**
 * Per-ticket coverage reads for a batch of tickets (one query per field per page of tickets): tags,
 * satisfaction survey, custom field values, first agent reply. Keys are (connector, Gorgias ticket id);
 * always scoped by the tenant ($1), so each statement routes to one node on Citus.
 */
const BATCH = `unnest($2::uuid[], $3::bigint[]) AS k(connector_id, ticket_external_id)`;
const keyParams = (tenantId: string, keys: readonly ExternalKey[]) => [
  tenantId,
  keys.map((k) => k.connectorId),
  keys.map((k) => k.externalId),
];

@Injectable()
export class TicketCoverageRepository {
  constructor(private readonly reads: PreparedReads) {}

  /** The tags linked to each ticket, by name. A link to a tag the tags list does not show (yet) is left out. */
  tags(tenantId: string, keys: readonly ExternalKey[]): Promise<TicketTagRow[]> {
    return this.reads.rows(
      `SELECT k.connector_id, k.ticket_external_id::text AS ticket_external_id, g.external_id::text AS external_id, g.name
       FROM ${BATCH}
       JOIN ticket_tags tt ON tt.tenant_id = $1 AND tt.connector_id = k.connector_id AND tt.ticket_external_id = k.ticket_external_id
       JOIN tags g ON g.tenant_id = $1 AND g.connector_id = tt.connector_id AND g.external_id = tt.tag_external_id
       ORDER BY g.name, g.external_id`,
      keyParams(tenantId, keys),
    );
  }

  /** Each ticket's satisfaction survey (Gorgias keeps one per ticket; the newest wins if two were stored). */
  surveys(tenantId: string, keys: readonly ExternalKey[]): Promise<SurveyRow[]> {
    return this.reads.rows(
      `SELECT DISTINCT ON (s.connector_id, s.ticket_external_id)
         s.connector_id, s.ticket_external_id::text AS ticket_external_id, s.external_id::text AS external_id,
         s.score::int AS score, s.body_text, s.sent_at, s.scored_at
       FROM ${BATCH}
       JOIN satisfaction_surveys s ON s.tenant_id = $1 AND s.connector_id = k.connector_id AND s.ticket_external_id = k.ticket_external_id
       ORDER BY s.connector_id, s.ticket_external_id, s.external_id DESC`,
      keyParams(tenantId, keys),
    );
  }

  /** Each ticket's custom field values, with their definitions' labels (the field id when none is stored), by label. */
  customFields(tenantId: string, keys: readonly ExternalKey[]): Promise<CustomFieldValueRow[]> {
    return this.reads.rows(
      `SELECT k.connector_id, k.ticket_external_id::text AS ticket_external_id, v.field_external_id::text AS field_external_id,
         coalesce(d.label, v.field_external_id::text) AS label, v.value
       FROM ${BATCH}
       JOIN ticket_custom_field_values v
         ON v.tenant_id = $1 AND v.connector_id = k.connector_id AND v.ticket_external_id = k.ticket_external_id
       LEFT JOIN custom_field_definitions d ON d.tenant_id = $1 AND d.connector_id = v.connector_id AND d.external_id = v.field_external_id
       ORDER BY label, v.field_external_id`,
      keyParams(tenantId, keys),
    );
  }

  /** When each ticket first had a public message from an agent (tickets without one are absent). */
  firstAgentReplies(tenantId: string, keys: readonly ExternalKey[]): Promise<FirstAgentReplyRow[]> {
    return this.reads.rows(
      `SELECT k.connector_id, k.ticket_external_id::text AS ticket_external_id, r.at
       FROM ${BATCH}
       CROSS JOIN LATERAL (
         SELECT m.created_at AS at FROM messages m
         WHERE m.tenant_id = $1 AND m.connector_id = k.connector_id AND m.ticket_external_id = k.ticket_external_id
           AND m.deleted_at IS NULL AND m.from_agent AND m.public
         ORDER BY m.created_at, m.id LIMIT 1
       ) r`,
      keyParams(tenantId, keys),
    );
  }
}
