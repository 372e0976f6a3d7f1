/**
 * A page size written into the statement instead of passed as a parameter. Prepared statements are
 * planned once for every value of their parameters; with `LIMIT $n` PostgreSQL has to assume a large
 * share of the table and plans a sort of every match, with a literal it keeps the index walk.
 */
export function sqlLimit(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`sqlLimit: ${n} is not a row count`);
  return String(n);
}
