/**
 * TypeORM's raw `query()` answers UPDATE/DELETE with `[rows, affectedCount]` but SELECT/INSERT
 * with `rows`. This gives the rows either way, for statements with RETURNING.
 */
export async function queryRows<T = any>(
  runner: { query(sql: string, params?: unknown[]): Promise<any> },
  sql: string,
  params?: unknown[],
): Promise<T[]> {
  const result = await runner.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0];
  return result;
}
