/**
 * The two statements a page upsert is made of, generated from a column table (so that a column added
 * there flows into both): the INSERT of the rows not stored yet, and the UPDATE of those stored that
 * differ. Together they replace one `INSERT … ON CONFLICT DO UPDATE` preceded by a read of what the
 * API showed before: the INSERT's RETURNING names the new rows, and the UPDATE joins each target row
 * to itself as it was (`o`, read in the statement's snapshot), so its RETURNING says whether what the
 * API shows changed. No separate before-read, and in an initial sync (every row new) the UPDATE is not
 * sent at all. Both statements name the tenant on every table they touch, so Citus routes each to the
 * tenant's node as one task.
 *
 * Parameters of both: $1 tenant, $2 connector, $3 the rows as a jsonb array (see `pageJson`); the
 * caller appends its own from $4.
 */

export interface UpsertTable {
  table: 'tickets' | 'messages' | 'customers';
  /** `column type` of the jsonb record, key first (recordColumns of the column table, plus extras). */
  record: string[];
  /** The written columns besides the key (writeColumns of the column table). */
  columns: string[];
}

const withoutNul = (_k: string, v: unknown) => (typeof v === 'string' && v.includes('\u0000') ? v.replace(/\u0000/g, '') : v);

/**
 * A page's rows as JSON. PostgreSQL text and jsonb refuse NUL characters, which Gorgias bodies pasted
 * from elsewhere may hold: JSON writes one as `\u0000`, so a page whose JSON holds none is sent as
 * serialised (the mappers cleaned it already) and only one that does is serialised again without them.
 * The replacer on every value was a fifth of the serialisation's time (issue 27's profile).
 */
export function pageJson(rows: unknown[]): string {
  const json = JSON.stringify(rows);
  return json.includes('\\u0000') ? JSON.stringify(rows, withoutNul) : json;
}

/** A page's rows as `pageJson` gives them, without the array's brackets, encoded as UTF-8 once (when the page is read). */
export function pageJsonBytes(rows: unknown[]): Buffer {
  return Buffer.from(pageJson(rows).slice(1, -1));
}

const JSONB_ARRAY_START = Buffer.from([1, 0x5b]); // jsonb's binary format: version 1, then the text; "["
const COMMA = Buffer.from(',');
const ARRAY_END = Buffer.from(']');

/**
 * Several pages' `pageJsonBytes` as one jsonb parameter in PostgreSQL's binary form (a version byte,
 * then the JSON text): the driver sends a Buffer as it is, so the batch's megabyte of rows is not
 * encoded again while the database waits for it.
 */
export function jsonbParam(pages: Buffer[]): Buffer {
  const parts: Buffer[] = [JSONB_ARRAY_START];
  for (const page of pages.filter((p) => p.length)) {
    if (parts.length > 1) parts.push(COMMA);
    parts.push(page);
  }
  parts.push(ARRAY_END);
  return Buffer.concat(parts);
}

const rowsOf = (t: UpsertTable) => `jsonb_to_recordset($3::jsonb) AS x(${t.record.join(', ')})`;

/**
 * INSERT of the page's rows that are not stored yet; a row stored meanwhile is left to the UPDATE
 * (ON CONFLICT DO NOTHING). `values` overrides a column's value expression (over `x`).
 */
export function insertNew(t: UpsertTable, returning: string, values: Record<string, string> = {}): string {
  return `INSERT INTO ${t.table} (tenant_id, connector_id, external_id, ${t.columns.join(', ')}, synced_at)
     SELECT $1, $2, x.external_id, ${t.columns.map((c) => values[c] ?? `x.${c}`).join(', ')}, now() FROM ${rowsOf(t)}
     ON CONFLICT (tenant_id, connector_id, external_id) DO NOTHING
     RETURNING ${returning}`;
}

/**
 * UPDATE of stored rows from the page's: `set` are the assignments (target alias `t`, page row `x`),
 * `when` says which rows to write. `o` is the same row before this statement: RETURNING compares it.
 */
export function updateExisting(t: UpsertTable, set: string[], when: string, returning: string): string {
  return `UPDATE ${t.table} t SET ${set.join(', ')}, synced_at = now()
       FROM ${rowsOf(t)}, ${t.table} o
      WHERE t.tenant_id = $1 AND t.connector_id = $2 AND t.external_id = x.external_id
        AND o.tenant_id = $1 AND o.connector_id = $2 AND o.external_id = x.external_id
        AND (${when})
     RETURNING ${returning}`;
}

/** `(a.c1, …) IS DISTINCT FROM (b.c1, …)`: whether two aliases differ in these columns. */
export const differs = (a: string, b: string, columns: string[]) =>
  `(${columns.map((c) => `${a}.${c}`).join(', ')}) IS DISTINCT FROM (${columns.map((c) => `${b}.${c}`).join(', ')})`;
