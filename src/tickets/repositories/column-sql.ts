import type { ColumnSpec } from '../model/columns';

/**
 * A read's SELECT list from a column table (`alias.column`): bigint ids leave PostgreSQL as decimal
 * text (they can pass JavaScript's integers), `computed` gives the expression of a column that is
 * computed (or read differently) instead.
 */
export function selectList(alias: string, columns: readonly ColumnSpec[], computed: Record<string, string> = {}): string {
  return columns
    .map(({ column, type }) => {
      if (computed[column]) return `${computed[column]} AS ${column}`;
      return type === 'bigint' ? `${alias}.${column}::text AS ${column}` : `${alias}.${column}`;
    })
    .join(', ');
}
