import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { TicketCustomFieldValueWriteRow } from '../model/custom-field.table';
import { TicketTagWriteRow } from '../model/tag.table';
import type { WriteResult, WriteScope } from './ticket-write.repository';

/** The tags (ids) a write added to and removed from one ticket. */
export interface TicketTagChange {
  ticketExternalId: string;
  added: string[];
  removed: string[];
}

/** What replacing tickets' links did: tickets whose links changed (for the feed), and their tag changes. */
export interface TicketLinkResult extends WriteResult {
  tagChanges: TicketTagChange[];
}

const toJson = (rows: unknown[]) =>
  JSON.stringify(rows, (_k, v) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v));

/**
 * A ticket's links to its tags (`ticket_tags`) and its custom field values (`ticket_custom_field_values`),
 * replaced whenever the ticket is stored, in the same transaction. Only for tickets whose stored version
 * IS the one given (`updated_at` equal): an older copy read again (a replay, the overlap) never puts
 * back tags or values a newer one removed. Every statement carries the tenant.
 */
@Injectable()
export class TicketLinkWriteRepository {
  async replace(
    m: EntityManager,
    scope: WriteScope,
    tickets: { external_id: number; updated_at: string }[],
    tags: TicketTagWriteRow[],
    values: TicketCustomFieldValueWriteRow[],
  ): Promise<TicketLinkResult> {
    if (!tickets.length) return { written: 0, changedTicketIds: [], tagChanges: [] };
    const current = await this.currentVersions(m, scope, tickets);
    if (!current.length) return { written: 0, changedTicketIds: [], tagChanges: [] };
    const keep = new Set(current);
    const tagRows = tags.filter((t) => keep.has(String(t.ticket_external_id)));
    const valueRows = values.filter((v) => keep.has(String(v.ticket_external_id)));

    const tagDiff = await queryRows<{ ticket: string; tag: string; added: boolean }>(
      m,
      `WITH want AS (SELECT * FROM jsonb_to_recordset($4::jsonb) AS w(ticket_external_id bigint, tag_external_id bigint)),
       removed AS (
         DELETE FROM ticket_tags tt
          WHERE tt.tenant_id = $1 AND tt.connector_id = $2 AND tt.ticket_external_id = ANY($3::bigint[])
            AND NOT EXISTS (SELECT 1 FROM want w WHERE w.ticket_external_id = tt.ticket_external_id AND w.tag_external_id = tt.tag_external_id)
         RETURNING tt.ticket_external_id, tt.tag_external_id),
       added AS (
         INSERT INTO ticket_tags (tenant_id, connector_id, ticket_external_id, tag_external_id)
         SELECT $1, $2, w.ticket_external_id, w.tag_external_id FROM want w
         ON CONFLICT (tenant_id, connector_id, ticket_external_id, tag_external_id) DO NOTHING
         RETURNING ticket_external_id, tag_external_id)
       SELECT ticket_external_id::text AS ticket, tag_external_id::text AS tag, true AS added FROM added
       UNION ALL SELECT ticket_external_id::text, tag_external_id::text, false FROM removed`,
      [scope.tenantId, scope.connectorId, current, toJson(tagRows)],
    );
    const valueChanged = await queryRows<{ ticket: string }>(
      m,
      `WITH want AS (SELECT * FROM jsonb_to_recordset($4::jsonb) AS w(ticket_external_id bigint, field_external_id bigint, value text)),
       removed AS (
         DELETE FROM ticket_custom_field_values v
          WHERE v.tenant_id = $1 AND v.connector_id = $2 AND v.ticket_external_id = ANY($3::bigint[])
            AND NOT EXISTS (SELECT 1 FROM want w WHERE w.ticket_external_id = v.ticket_external_id AND w.field_external_id = v.field_external_id)
         RETURNING v.ticket_external_id),
       written AS (
         INSERT INTO ticket_custom_field_values (tenant_id, connector_id, ticket_external_id, field_external_id, value)
         SELECT $1, $2, w.ticket_external_id, w.field_external_id, w.value FROM want w
         ON CONFLICT (tenant_id, connector_id, ticket_external_id, field_external_id) DO UPDATE SET value = EXCLUDED.value
          WHERE ticket_custom_field_values.value IS DISTINCT FROM EXCLUDED.value
         RETURNING ticket_external_id)
       SELECT ticket_external_id::text AS ticket FROM written UNION SELECT ticket_external_id::text FROM removed`,
      [scope.tenantId, scope.connectorId, current, toJson(valueRows)],
    );

    const changes = new Map<string, TicketTagChange>();
    for (const r of tagDiff) {
      const c = changes.get(r.ticket) ?? { ticketExternalId: r.ticket, added: [], removed: [] };
      (r.added ? c.added : c.removed).push(r.tag);
      changes.set(r.ticket, c);
    }
    const changed = [...new Set([...changes.keys(), ...valueChanged.map((v) => v.ticket)])];
    return { written: changed.length, changedTicketIds: changed, tagChanges: [...changes.values()] };
  }

  /**
   * A tag merged into another (Gorgias retags its tickets silently): the stored tickets that carried
   * `source` carry `target` instead, by id and by name (`tickets.tags`). Returns the tickets changed.
   */
  async retag(m: EntityManager, scope: WriteScope, source: string, target: string | null): Promise<WriteResult> {
    const rows = await queryRows<{ id: string }>(
      m,
      `WITH names AS (SELECT (SELECT name FROM tags WHERE tenant_id = $1 AND connector_id = $2 AND external_id = $3::bigint) AS source,
                             (SELECT name FROM tags WHERE tenant_id = $1 AND connector_id = $2 AND external_id = $4::bigint) AS target),
       carriers AS (
         DELETE FROM ticket_tags WHERE tenant_id = $1 AND connector_id = $2 AND tag_external_id = $3::bigint
         RETURNING ticket_external_id),
       linked AS (
         INSERT INTO ticket_tags (tenant_id, connector_id, ticket_external_id, tag_external_id)
         SELECT $1, $2, c.ticket_external_id, $4::bigint FROM carriers c WHERE $4::bigint IS NOT NULL
         ON CONFLICT DO NOTHING RETURNING ticket_external_id),
       renamed AS (
         -- as Gorgias retags: the source's name leaves, the target's is appended unless already there
         UPDATE tickets t SET tags = array_remove(t.tags, n.source) ||
             CASE WHEN n.target IS NULL OR $4::bigint IS NULL OR n.target = ANY(t.tags) THEN '{}'::text[] ELSE ARRAY[n.target] END
           FROM names n, carriers c
          WHERE t.tenant_id = $1 AND t.connector_id = $2 AND t.external_id = c.ticket_external_id
         RETURNING t.external_id)
       SELECT ticket_external_id::text AS id FROM carriers UNION SELECT external_id::text FROM renamed`,
      [scope.tenantId, scope.connectorId, source, target],
    );
    return { written: rows.length, changedTicketIds: rows.map((r) => r.id) };
  }

  /** Of these tickets, those whose stored version is the one given (as decimal text). */
  private async currentVersions(
    m: EntityManager,
    scope: WriteScope,
    tickets: { external_id: number; updated_at: string }[],
  ): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      m,
      `SELECT t.external_id::text AS id FROM tickets t
         JOIN unnest($3::bigint[], $4::timestamptz[]) AS k(id, version) ON k.id = t.external_id AND k.version = t.updated_at
        WHERE t.tenant_id = $1 AND t.connector_id = $2`,
      [scope.tenantId, scope.connectorId, tickets.map((t) => String(t.external_id)), tickets.map((t) => t.updated_at)],
    );
    return rows.map((r) => r.id);
  }
}
