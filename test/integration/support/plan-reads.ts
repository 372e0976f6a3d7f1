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
