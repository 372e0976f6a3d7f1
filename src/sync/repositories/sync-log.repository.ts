import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SyncLogLevel } from '../sync-run.types';

/** Who a log line is about. */
export interface SyncLogScope {
  tenantId: string;
  connectorId: string;
  runId?: string | null;
}

/** A row of `sync_log_entries` as the API shows it. */
export interface SyncLogRow {
  id: string;
  connectorId: string;
  runId: string | null;
  level: SyncLogLevel;
  message: string;
  at: Date;
}

/** Longest message kept per line. */
const MAX_MESSAGE_LENGTH = 4000;

/** The sync log (`sync_log_entries`): the only SQL for that table. */
@Injectable()
export class SyncLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** In `m`'s transaction when given (the line commits or rolls back with what it reports). */
  async insert(scope: SyncLogScope, level: SyncLogLevel, message: string, m?: EntityManager): Promise<void> {
    await (m ?? this.dataSource.manager).query(
      `INSERT INTO sync_log_entries (tenant_id, connector_id, run_id, level, message) VALUES ($1, $2, $3, $4, $5)`,
      [scope.tenantId, scope.connectorId, scope.runId ?? null, level, message.slice(0, MAX_MESSAGE_LENGTH)],
    );
  }

  /** One page of a connector's log, newest first (keyset on id), and the filter's total. */
  async listPage(
    scope: { tenantId: string; connectorId: string },
    filter: { runId?: string; level?: SyncLogLevel },
    first: number,
    afterId?: string,
  ): Promise<{ rows: SyncLogRow[]; totalCount: number }> {
    const where = ['tenant_id = $1', 'connector_id = $2'];
    const params: unknown[] = [scope.tenantId, scope.connectorId];
    if (filter.runId) where.push(`run_id = $${params.push(filter.runId)}`);
    if (filter.level) where.push(`level = $${params.push(filter.level)}`);
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM sync_log_entries WHERE ${where.join(' AND ')}`,
      params,
    );
    if (afterId) where.push(`e.id < $${params.push(afterId)}::bigint`);
    // ORDER BY names the table's column (e.id): a bare `id` would be the text output alias, and text
    // order ("9" > "10") breaks both newest-first and the keyset.
    const rows: SyncLogRow[] = await this.dataSource.query(
      `SELECT e.id::text AS id, connector_id AS "connectorId", run_id AS "runId", level, message, at
         FROM sync_log_entries e WHERE ${where.join(' AND ')} ORDER BY e.id DESC LIMIT $${params.push(first + 1)}`,
      params,
    );
    return { rows, totalCount: count as number };
  }

  /** History retention: log lines older than `days`. */
  async pruneOlderThan(days: number): Promise<number> {
    // TypeORM answers DELETE with [rows, affected].
    const [, logLines] = await this.dataSource.query(`DELETE FROM sync_log_entries WHERE at < now() - make_interval(days => $1)`, [days]);
    return Number(logLines) || 0;
  }
}
