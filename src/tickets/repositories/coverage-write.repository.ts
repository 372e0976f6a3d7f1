import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { queryRows } from '../../database/query-rows';
import { AGENT_COLUMNS, AgentWriteRow } from '../model/agent.table';
import { ColumnSpec, recordColumns, writeColumns } from '../model/columns';
import { CUSTOM_FIELD_DEFINITION_COLUMNS, CustomFieldDefinitionWriteRow } from '../model/custom-field.table';
import { SATISFACTION_SURVEY_COLUMNS, SatisfactionSurveyWriteRow } from '../model/satisfaction-survey.table';
import { TAG_COLUMNS, TagWriteRow } from '../model/tag.table';
import { TEAM_COLUMNS, TeamWriteRow } from '../model/team.table';
import type { WriteResult, WriteScope } from './ticket-write.repository';

/** The tables whose rows a 404 (or a deletion event) marks deleted. */
export type DeletableCoverageTable = 'agents' | 'teams' | 'tags';

interface UpsertSpec {
  table: string;
  columns: readonly ColumnSpec[];
  /** The table has `deleted_at`: a row seen again is live again (and, for tags, no longer merged). */
  revives?: string[];
}

const AGENTS: UpsertSpec = { table: 'agents', columns: AGENT_COLUMNS, revives: ['deleted_at'] };
const TEAMS: UpsertSpec = { table: 'teams', columns: TEAM_COLUMNS, revives: ['deleted_at'] };
const TAGS: UpsertSpec = { table: 'tags', columns: TAG_COLUMNS, revives: ['deleted_at', 'merged_into_external_id'] };
const SURVEYS: UpsertSpec = { table: 'satisfaction_surveys', columns: SATISFACTION_SURVEY_COLUMNS };
const DEFINITIONS: UpsertSpec = { table: 'custom_field_definitions', columns: CUSTOM_FIELD_DEFINITION_COLUMNS };

/** PostgreSQL text refuses NUL characters (the mappers already remove them; kept as the last guard). */
const toJson = (rows: unknown[]) =>
  JSON.stringify(rows, (_k, v) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v));

/**
 * Writes issue 24's objects (agents, teams, tags, satisfaction surveys, custom field definitions) in bulk
 * and idempotently: one `INSERT ... ON CONFLICT` per batch, keyed by (tenant, connector, provider id), a row
 * rewritten only when something stored differs, so a replayed page changes nothing and counts nothing.
 * Every statement carries tenant_id (Citus routes it to the tenant's node). Times in `SET` come from
 * EXCLUDED (the inserted row's now()): Citus accepts only immutable functions there.
 */
@Injectable()
export class CoverageWriteRepository {
  /** Agents new or changed. */
  upsertAgents(m: EntityManager, scope: WriteScope, rows: AgentWriteRow[]): Promise<number> {
    return this.upsert(m, scope, AGENTS, rows).then((r) => r.length);
  }

  upsertTeams(m: EntityManager, scope: WriteScope, rows: TeamWriteRow[]): Promise<number> {
    return this.upsert(m, scope, TEAMS, rows).then((r) => r.length);
  }

  /**
   * Tags from their list or a lookup (`onlyNew` false: they are live, with this name), or from the tickets
   * that carry them (`onlyNew` true: only tags not stored yet; a ticket read before a merge or deletion
   * must not bring a gone tag back).
   */
  async upsertTags(m: EntityManager, scope: WriteScope, rows: TagWriteRow[], onlyNew = false): Promise<number> {
    if (!onlyNew) return (await this.upsert(m, scope, TAGS, rows)).length;
    if (!rows.length) return 0;
    const inserted = await queryRows(
      m,
      `INSERT INTO tags (tenant_id, connector_id, external_id, name, synced_at)
       SELECT $1, $2, x.external_id, x.name, now() FROM jsonb_to_recordset($3::jsonb) AS x(external_id bigint, name text)
       ON CONFLICT (tenant_id, connector_id, external_id) DO NOTHING RETURNING external_id`,
      [scope.tenantId, scope.connectorId, toJson(rows)],
    );
    return inserted.length;
  }

  upsertCustomFieldDefinitions(m: EntityManager, scope: WriteScope, rows: CustomFieldDefinitionWriteRow[]): Promise<number> {
    return this.upsert(m, scope, DEFINITIONS, rows).then((r) => r.length);
  }

  /**
   * Surveys; `written` counts those new or changed, and their tickets changed for the feed (a survey
   * sent, or scored days later). Every survey given is stamped `synced_at` (the unscored ones are re-read
   * oldest-stamped first).
   */
  async upsertSurveys(m: EntityManager, scope: WriteScope, rows: SatisfactionSurveyWriteRow[]): Promise<WriteResult> {
    if (!rows.length) return { written: 0, changedTicketIds: [] };
    const changed = await this.upsert(m, scope, SURVEYS, rows, 'ticket_external_id');
    await m.query(
      `UPDATE satisfaction_surveys SET synced_at = now()
        WHERE tenant_id = $1 AND connector_id = $2 AND external_id = ANY($3::bigint[])`,
      [scope.tenantId, scope.connectorId, rows.map((r) => String(r.external_id))],
    );
    const tickets = changed.map((r) => r.extra).filter((id): id is string => !!id);
    return { written: changed.length, changedTicketIds: [...new Set(tickets)] };
  }

  /**
   * Unscored surveys sent after `sentAfter` (younger than the re-read window), the longest unread first:
   * at most `limit`. Their ids, for re-reading one by one.
   */
  async unscoredSurveys(m: EntityManager, scope: WriteScope, sentAfter: Date, limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      m,
      `SELECT external_id::text AS id FROM satisfaction_surveys
        WHERE tenant_id = $1 AND connector_id = $2 AND scored_at IS NULL AND coalesce(sent_at, source_created_at) >= $3
        ORDER BY synced_at, external_id LIMIT $4`,
      [scope.tenantId, scope.connectorId, sentAfter, limit],
    );
    return rows.map((r) => r.id);
  }

  /** A 404 or a deletion event: soft-deleted (kept, so that history and tickets still name them). Returns those live until now. */
  async markDeleted(m: EntityManager, scope: WriteScope, table: DeletableCoverageTable, ids: string[], at: Date): Promise<string[]> {
    if (!ids.length) return [];
    const rows = await queryRows<{ id: string }>(
      m,
      `UPDATE ${table} SET deleted_at = $4
        WHERE tenant_id = $1 AND connector_id = $2 AND external_id = ANY($3::bigint[]) AND deleted_at IS NULL
      RETURNING external_id::text AS id`,
      [scope.tenantId, scope.connectorId, ids, at],
    );
    return rows.map((r) => r.id);
  }

  /** A tag merged into another: kept (histories name it), marked gone and pointing at its target. */
  async markTagMerged(m: EntityManager, scope: WriteScope, source: string, target: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE tags SET merged_into_external_id = $4, deleted_at = coalesce(deleted_at, $5)
        WHERE tenant_id = $1 AND connector_id = $2 AND external_id = $3`,
      [scope.tenantId, scope.connectorId, source, target, at],
    );
  }

  /** Agents the stored tickets name (as assignee) that are not stored: at most `limit` ids, to read one by one. */
  async agentsNamedButMissing(m: EntityManager, scope: WriteScope, limit: number): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      m,
      `SELECT DISTINCT t.assignee_external_id::text AS id FROM tickets t
        WHERE t.tenant_id = $1 AND t.connector_id = $2 AND t.assignee_external_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.tenant_id = t.tenant_id AND a.connector_id = t.connector_id
                             AND a.external_id = t.assignee_external_id)
        LIMIT $3`,
      [scope.tenantId, scope.connectorId, limit],
    );
    return rows.map((r) => r.id);
  }

  /** Stored live ids of `table` among `ids`: what a lookup would add nothing to. */
  async liveIds(m: EntityManager, scope: WriteScope, table: DeletableCoverageTable, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set();
    const rows = await queryRows<{ id: string }>(
      m,
      `SELECT external_id::text AS id FROM ${table}
        WHERE tenant_id = $1 AND connector_id = $2 AND external_id = ANY($3::bigint[]) AND deleted_at IS NULL`,
      [scope.tenantId, scope.connectorId, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  /** Every stored live id of `table` (a tags list re-read compares against it to find merged-away tags). */
  async allLiveIds(m: EntityManager, scope: WriteScope, table: DeletableCoverageTable): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      m,
      `SELECT external_id::text AS id FROM ${table} WHERE tenant_id = $1 AND connector_id = $2 AND deleted_at IS NULL`,
      [scope.tenantId, scope.connectorId],
    );
    return rows.map((r) => r.id);
  }

  /** One batch upsert; returns the keys of the rows inserted or changed (and `extra`, a column of theirs, as text). */
  private async upsert(
    m: EntityManager,
    scope: WriteScope,
    spec: UpsertSpec,
    rows: { external_id: number }[],
    extra?: string,
  ): Promise<{ id: string; extra: string | null }[]> {
    if (!rows.length) return [];
    const columns = writeColumns(spec.columns);
    const revive = spec.revives ?? [];
    const set = [...columns.map((c) => `${c} = EXCLUDED.${c}`), ...revive.map((c) => `${c} = NULL`), 'synced_at = EXCLUDED.synced_at'];
    const differs = `(${columns.map((c) => `${spec.table}.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `EXCLUDED.${c}`).join(', ')})`;
    const revived = revive.map((c) => ` OR ${spec.table}.${c} IS NOT NULL`).join('');
    return queryRows(
      m,
      `INSERT INTO ${spec.table} (tenant_id, connector_id, external_id, ${columns.join(', ')}, synced_at)
       SELECT $1, $2, x.external_id, ${columns.map((c) => `x.${c}`).join(', ')}, now()
         FROM jsonb_to_recordset($3::jsonb) AS x(${recordColumns(spec.columns).join(', ')})
       ON CONFLICT (tenant_id, connector_id, external_id) DO UPDATE SET ${set.join(', ')}
        WHERE ${differs}${revived}
       RETURNING external_id::text AS id, ${extra ?? 'NULL'}::text AS extra`,
      [scope.tenantId, scope.connectorId, toJson(rows)],
    );
  }
}
