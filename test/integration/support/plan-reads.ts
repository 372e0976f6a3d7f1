import { DataSource, EntityManager } from 'typeorm';

/**
 * Rows each scan of one table read in an `EXPLAIN (ANALYZE, FORMAT JSON)` plan (actual rows × loops), for
 * plan specs that bound what a statement reads: a scan of the table itself or of one of its indexes
 * (index names start with the table's name).
 */
export function rowsReadByScansOf(plan: unknown, table: string): number[] {
  const reads: number[] = [];
  const walk = (node: Record<string, any>) => {
    if (/Scan/.test(node['Node Type']) && (node['Relation Name'] === table || String(node['Index Name'] ?? '').startsWith(table)))
      reads.push(node['Actual Rows'] * node['Actual Loops']);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk((plan as { Plan: Record<string, any> }[])[0].Plan);
  return reads;
}

/** A statement a repository sent (captured by `recordingManager`). */
export interface SentStatement {
  sql: string;
  params?: unknown[];
}

/** `m` for a repository's call, recording every statement it sends into `sent` before sending it. */
export function recordingManager(m: EntityManager, sent: SentStatement[]): EntityManager {
  return { query: (sql: string, params?: unknown[]) => (sent.push({ sql, params }), m.query(sql, params)) } as EntityManager;
}

/**
 * The most rows any scan of `table` read when `statement` ran under EXPLAIN ANALYZE with its own
 * parameters, in a transaction rolled back (EXPLAIN ANALYZE runs a write).
 */
export async function mostRowsReadByScansOf(ds: DataSource, statement: SentStatement, table: string): Promise<number> {
  const runner = ds.createQueryRunner();
  await runner.startTransaction();
  try {
    const [{ 'QUERY PLAN': plan }] = await runner.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.sql}`, statement.params);
    return Math.max(...rowsReadByScansOf(plan, table));
  } finally {
    await runner.rollbackTransaction();
    await runner.release();
  }
}

/** The planner's row count of `table`: below 0 while the table was never analysed. */
export async function reltuplesOf(ds: DataSource, table: string): Promise<number> {
  const [{ reltuples }] = await ds.query(`SELECT reltuples FROM pg_class WHERE oid = $1::regclass`, [table]);
  return Number(reltuples);
}
