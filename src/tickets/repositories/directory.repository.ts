import { Injectable } from '@nestjs/common';
import { PreparedReads } from '../../database/prepared-reads';
import type { AgentRow, ExternalKey, NamedRow } from '../model/coverage-read.types';

const AGENT_COLUMNS = 'a.connector_id, a.external_id::text AS external_id, a.name, a.email, a.role, a.active';
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

  /** The connector's teams or tags, by name. */
  named(tenantId: string, table: 'teams' | 'tags', connectorId: string): Promise<NamedRow[]> {
    return this.reads.rows(
      `SELECT x.connector_id, x.external_id::text AS external_id, x.name FROM ${table} x
       WHERE x.tenant_id = $1 AND x.connector_id = $2 AND x.deleted_at IS NULL
       ORDER BY x.name, x.external_id`,
      [tenantId, connectorId],
    );
  }

  /** Teams by (connector, Gorgias team id), in one query, deleted or not. */
  teamsByKeys(tenantId: string, keys: readonly ExternalKey[]): Promise<NamedRow[]> {
    return this.reads.rows(
      `SELECT x.connector_id, x.external_id::text AS external_id, x.name FROM teams x
       WHERE x.tenant_id = $1 AND (x.connector_id, x.external_id) IN (SELECT * FROM unnest($2::uuid[], $3::bigint[]))`,
      [tenantId, ...keyParams(keys)],
    );
  }
}
