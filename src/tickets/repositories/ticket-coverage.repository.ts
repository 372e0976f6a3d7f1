import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import type { CustomFieldValueRow, ExternalKey, TicketTagNameRow } from '../model/coverage-read.types';
import { SATISFACTION_SURVEY_READ_COLUMNS, SatisfactionSurveyRow } from '../model/satisfaction-survey.table';
import { selectList } from './column-sql';

/**
 * Per-ticket coverage reads for a batch of tickets (one query per field per page of tickets): tags,
 * satisfaction survey, custom field values. Keys are (connector, Gorgias ticket id);
 * always scoped by the tenant ($1), so each statement routes to one node on Citus.
 */
const BATCH = `unnest($2::uuid[], $3::bigint[]) AS k(connector_id, ticket_external_id)`;
const SURVEY_COLUMNS = selectList('s', SATISFACTION_SURVEY_READ_COLUMNS);
const keyParams = (tenantId: string, keys: readonly ExternalKey[]) => [
  tenantId,
  keys.map((k) => k.connectorId),
  keys.map((k) => k.externalId),
];

@Injectable()
export class TicketCoverageRepository {
  constructor(private readonly reads: PreparedReads) {}

  /**
   * The tags linked to each ticket, by name. A tag the tags list does not show yet (Gorgias may tag a ticket
   * with a tag created since the last list read) is named from the ticket's own copy (its payload's `tags`),
   * read only for such a tag; its id when even that does not name it.
   */
  tags(tenantId: string, keys: readonly ExternalKey[]): Promise<TicketTagNameRow[]> {
    return this.reads.rows(
      `SELECT k.connector_id, k.ticket_external_id::text AS ticket_external_id, tt.tag_external_id::text AS external_id,
         coalesce(g.name, (
           SELECT x ->> 'name' FROM tickets t
           CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(t.payload -> 'tags') = 'array' THEN t.payload -> 'tags' ELSE '[]' END) x
           WHERE t.tenant_id = $1 AND t.connector_id = tt.connector_id AND t.external_id = tt.ticket_external_id
             AND x ->> 'id' = tt.tag_external_id::text AND x ->> 'name' IS NOT NULL
           LIMIT 1), tt.tag_external_id::text) AS name
       FROM ${BATCH}
       JOIN ticket_tags tt ON tt.tenant_id = $1 AND tt.connector_id = k.connector_id AND tt.ticket_external_id = k.ticket_external_id
       LEFT JOIN tags g ON g.tenant_id = $1 AND g.connector_id = tt.connector_id AND g.external_id = tt.tag_external_id
       ORDER BY name, external_id`,
      keyParams(tenantId, keys),
    );
  }

  /** Each ticket's satisfaction survey (Gorgias keeps one per ticket; the newest wins if two were stored). */
  surveys(tenantId: string, keys: readonly ExternalKey[]): Promise<SatisfactionSurveyRow[]> {
    return this.reads.rows(
      `SELECT DISTINCT ON (s.connector_id, s.ticket_external_id) ${SURVEY_COLUMNS}
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
}
