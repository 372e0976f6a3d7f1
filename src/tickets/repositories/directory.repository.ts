import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import { AGENT_READ_COLUMNS, AgentRow } from '../model/agent.table';
import type { ExternalKey } from '../model/coverage-read.types';
import { TAG_READ_COLUMNS, TagRow } from '../model/tag.table';
import { TEAM_READ_COLUMNS, TeamRow } from '../model/team.table';
import { selectList } from './column-sql';

const AGENT_COLUMNS = selectList('a', AGENT_READ_COLUMNS);
const TEAM_COLUMNS = selectList('x', TEAM_READ_COLUMNS);
const TAG_COLUMNS = selectList('x', TAG_READ_COLUMNS);
/** The keys of a batch as two arrays for `unnest($2::uuid[], $3::bigint[])`. */
const keyParams = (keys: readonly ExternalKey[]) => [keys.map((k) => k.connectorId), keys.map((k) => k.externalId)];

/**
 * Reads of a connector's directory: its agents (Gorgias users), teams and tags. Always scoped by the
 * tenant ($1); deleted ones are left out of the lists but still answer by id (a ticket's old assignee).
 */
@Injectable()
export class DirectoryRepository {
  constructor(private readonly reads: PreparedReads) {}

  /** The connector's agents, by name. */
  agents(tenantId: string, connectorId: string): Promise<AgentRow[]> {
    return this.reads.rows(
      `SELECT ${AGENT_COLUMNS} FROM agents a
       WHERE a.tenant_id = $1 AND a.connector_id = $2 AND a.deleted_at IS NULL
       ORDER BY a.name NULLS LAST, a.external_id`,
      [tenantId, connectorId],
    );
  }

  /** Agents by (connector, Gorgias user id), in one query, deleted or not. */
  agentsByKeys(tenantId: string, keys: readonly ExternalKey[]): Promise<AgentRow[]> {
    return this.reads.rows(
      `SELECT ${AGENT_COLUMNS} FROM agents a
       WHERE a.tenant_id = $1 AND (a.connector_id, a.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [tenantId, ...keyParams(keys)],
    );
  }

  /** The connector's teams, by name. */
  teams(tenantId: string, connectorId: string): Promise<TeamRow[]> {
    return this.reads.rows(
      `SELECT ${TEAM_COLUMNS} FROM teams x
       WHERE x.tenant_id = $1 AND x.connector_id = $2 AND x.deleted_at IS NULL
       ORDER BY x.name, x.external_id`,
      [tenantId, connectorId],
    );
  }

  /** The connector's tags, by name; a tag merged into another is gone (its tickets carry the other). */
  tags(tenantId: string, connectorId: string): Promise<TagRow[]> {
    return this.reads.rows(
      `SELECT ${TAG_COLUMNS} FROM tags x
       WHERE x.tenant_id = $1 AND x.connector_id = $2 AND x.deleted_at IS NULL AND x.merged_into_external_id IS NULL
       ORDER BY x.name, x.external_id`,
      [tenantId, connectorId],
    );
  }

  /** Teams by (connector, Gorgias team id), in one query, deleted or not. */
  teamsByKeys(tenantId: string, keys: readonly ExternalKey[]): Promise<TeamRow[]> {
    return this.reads.rows(
      `SELECT ${TEAM_COLUMNS} FROM teams x
       WHERE x.tenant_id = $1 AND (x.connector_id, x.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [tenantId, ...keyParams(keys)],
    );
  }
}
