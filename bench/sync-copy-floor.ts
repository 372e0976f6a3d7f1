/**
 * The physical floor of the sync's writes (issue 27, item 1): the rows the sync stored (tickets,
 * customers, messages, and the tickets' tag links and custom field values, as stored), COPYed into fresh copies of the same tables (`LIKE ... INCLUDING
 * ALL`: same indexes, same defaults, same generated search column) in page-sized transactions (100 rows,
 * a commit each, like the sync's pages), with every row read into memory first, so that only COPY and
 * the commits are timed. The copies get the same foreign keys (LIKE copies none). Run after the sync, in its database, with the gateway closed.
 *
 * Also what the rows cost on disk (heap + TOAST + indexes per row against the JSON the API sent), and,
 * when the run loaded pg_stat_statements, where the server's time went by statement.
 */
import { Client } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

/**
 * Rows per COPY transaction: an API page by default, as the floor was defined (issue 27). The sync
 * writes up to 5 pages a transaction when they are read already (PAGES_PER_TRANSACTION):
 * BENCH_FLOOR_ROWS=500 measures the floor at that size too.
 */
const PAGE = Number(process.env.BENCH_FLOOR_ROWS ?? 100);
if (!(Number.isInteger(PAGE) && PAGE > 0))
  throw new Error(`BENCH_FLOOR_ROWS must be a positive integer, not ${process.env.BENCH_FLOOR_ROWS}`);
const TABLES = ['tickets', 'customers', 'messages'] as const;
type Table = (typeof TABLES)[number];
/**
 * Rows the sync writes with each ticket, in the ticket's transaction (issue 24): copied with the ticket
 * pages. Up to round 3g the floor left them out, so it wrote fewer rows than the sync it was set against.
 */
const LINK_TABLES = ['ticket_tags', 'ticket_custom_field_values'] as const;
/** Timed copies of the floor; the median counts (BENCH_FLOOR_RUNS, default 3). */
const FLOOR_RUNS = Number(process.env.BENCH_FLOOR_RUNS ?? 3);
if (!(Number.isInteger(FLOOR_RUNS) && FLOOR_RUNS > 0))
  throw new Error(`BENCH_FLOOR_RUNS must be a positive integer, not ${process.env.BENCH_FLOOR_RUNS}`);

interface FloorRun {
  ms: number;
  ticketMs: number;
  linkMs: number;
  messageMs: number;
}

export interface TableBytes {
  table: Table;
  rows: number;
  heap: number;
  toast: number;
  indexes: number;
  /** Per row: the generated tsvector and the payload (raw JSON as jsonb), as stored (pg_column_size). */
  search: number;
  payload: number;
  /** Per row: the JSON the API sent for it (the payload as text, the record's JSON size). */
  json: number;
}

export interface StatementTime {
  kind: string;
  calls: number;
  rows: number;
  totalMs: number;
  /** Planning time (only with BENCH_TRACK_PLANNING=1; 0 otherwise). */
  planMs: number;
  walBytes: number;
}

export interface CopyFloor {
  tickets: number;
  customers: number;
  messages: number;
  /** Tag links and custom field values (LINK_TABLES), copied with the ticket pages; not counted as rows. */
  links: number;
  pages: number;
  ms: number;
  ticketMs: number;
  /** Of `ticketMs`, the COPY of the link rows: `ms - linkMs` is the floor as rounds 3a – 3g measured it. */
  linkMs: number;
  /** Every timed run's `ms`, in order (the figures above are the median run's). */
  runs: number[];
  messageMs: number;
  /** The messages again, each way timed the same (pages of 100, a commit each): what each part of the floor costs. */
  messageVariants: { label: string; ms: number }[];
  bytes: TableBytes[];
  floorBytes: TableBytes[];
  statements?: StatementTime[];
}

/** Which write of a page a statement is (pg_stat_statements normalises the text; the first words name it). */
function kindOf(q: string): string {
  const s = q.replace(/\s+/g, ' ').trim();
  for (const table of ['customers', 'tickets', 'messages']) {
    if (new RegExp(`^INSERT INTO ${table} .*DO NOTHING`, 'i').test(s)) return `${table}: INSERT of new rows`;
    if (new RegExp(`^UPDATE ${table} t SET .* FROM jsonb_to_recordset`, 'i').test(s)) return `${table}: UPDATE of stored rows`;
    if (new RegExp(`INSERT INTO ${table}`, 'i').test(s)) return `${table} upsert (before/after CTE)`;
    if (new RegExp(`^SELECT external_id::text AS id, .* FROM ${table} WHERE`, 'i').test(s)) return `${table}: read before the upsert`;
  }
  if (/^UPDATE tickets t SET description/i.test(s)) return 'ticket descriptions refresh';
  if (/CROSS JOIN LATERAL \(SELECT coalesce\(body_text, stripped_text\) AS text/i.test(s))
    return "tickets: first messages' text (description)";
  if (/^UPDATE tickets t SET feed_xact_id/i.test(s)) return 'change feed: stamp on the ticket row';
  if (/customer_external_id = ANY/i.test(s)) return 'tickets of changed customers';
  if (/ticket_changes/i.test(s)) return 'change feed row(s)';
  if (/sync_runs/i.test(s)) return 'checkpoint / run row (lease-fenced)';
  if (/^COMMIT/i.test(s)) return 'COMMIT (WAL flush)';
  if (/^(BEGIN|START TRANSACTION)/i.test(s)) return 'BEGIN';
  if (/pg_notify|NOTIFY/i.test(s)) return 'notify';
  // What used to be "other" (a quarter of the server's time in round 3c), named.
  if (/ticket_tags|ticket_custom_field_values/i.test(s)) return 'tickets: tag links and custom field values (replaced)';
  if (/^INSERT INTO tags/i.test(s)) return 'tags named by tickets';
  if (/^SELECT pg_current_xact_id/i.test(s)) return "the transaction's id (new tickets' stamp; the feed's positions)";
  if (/^WITH stamp AS \( ?UPDATE tickets/i.test(s)) return 'change feed: stamp on the ticket rows';
  if (/sync_log/i.test(s)) return 'sync log lines';
  if (/^SAVEPOINT|^RELEASE|^ROLLBACK TO/i.test(s)) return 'savepoints (the item-by-item fallback)';
  if (/FROM messages/i.test(s)) return 'other statements reading messages (reconcile)';
  if (/FROM tickets/i.test(s)) return 'other statements reading tickets';
  return 'other';
}

async function columnsOf(c: Client, table: string): Promise<string[]> {
  const { rows } = await c.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

/** COPY ... TO STDOUT, as text-format lines (one per row: newlines inside values are escaped). */
async function readLines(c: Client, sql: string): Promise<string[]> {
  const chunks: Buffer[] = [];
  const stream = c.query(copyTo(`COPY (${sql}) TO STDOUT`));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text ? text.slice(0, -1).split('\n') : [];
}

async function copyLines(c: Client, table: string, columns: string[], lines: string[]): Promise<void> {
  if (!lines.length) return;
  const stream = c.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
    stream.end(`${lines.join('\n')}\n`);
  });
}

/** Heap, TOAST and indexes of `table`; per row, its search and payload columns where it has them. */
async function bytesOf(c: Client, table: string, as: Table, has: { search: boolean; payload: boolean }): Promise<TableBytes> {
  const avg = (expr: string) => `(SELECT coalesce(avg(${expr}), 0) FROM ${table})::float8`;
  const { rows } = await c.query(
    `SELECT (SELECT count(*) FROM ${table})::float8 AS rows,
            pg_relation_size('${table}')::float8 AS heap,
            coalesce(pg_total_relation_size(NULLIF(cl.reltoastrelid, 0)), 0)::float8 AS toast,
            pg_indexes_size('${table}')::float8 AS indexes,
            ${has.search ? avg('pg_column_size(search)') : '0::float8'} AS search,
            ${has.payload ? avg('pg_column_size(payload)') : '0::float8'} AS payload,
            ${has.payload ? avg('octet_length(payload::text)') : '0::float8'} AS json
       FROM pg_class cl WHERE cl.oid = '${table}'::regclass`,
  );
  const r = rows[0];
  return { table: as, rows: r.rows, heap: r.heap, toast: r.toast, indexes: r.indexes, search: r.search, payload: r.payload, json: r.json };
}

async function hasColumn(c: Client, table: string, column: string): Promise<boolean> {
  const { rowCount } = await c.query(`SELECT 1 FROM information_schema.columns WHERE table_name = $1 AND column_name = $2`, [
    table,
    column,
  ]);
  return (rowCount ?? 0) > 0;
}

async function statementTimes(c: Client): Promise<StatementTime[] | undefined> {
  const loaded = await c.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
  if (!loaded.rowCount) return undefined;
  const { rows } = await c.query<{ query: string; calls: string; rows: string; total: number; plan: number; wal: string }>(
    `SELECT query, calls, rows, total_exec_time AS total, total_plan_time AS plan, wal_bytes AS wal FROM pg_stat_statements`,
  );
  const by = new Map<string, StatementTime>();
  for (const r of rows) {
    const kind = kindOf(r.query);
    const t = by.get(kind) ?? { kind, calls: 0, rows: 0, totalMs: 0, planMs: 0, walBytes: 0 };
    t.calls += Number(r.calls);
    t.rows += Number(r.rows);
    t.totalMs += r.total;
    t.planMs += r.plan;
    t.walBytes += Number(r.wal);
    by.set(kind, t);
  }
  return [...by.values()].sort((a, b) => b.totalMs - a.totalMs);
}

/** Measures the floor in the bench database `url` (the sync's tables hold what it stored). */
export async function measureCopyFloor(url: string): Promise<CopyFloor> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    // Read first: the floor's own COPY statements are not the sync's.
    const statements = await statementTimes(c);
    const bytes: TableBytes[] = [];
    const has = {} as Record<Table, { search: boolean; payload: boolean }>;
    for (const t of TABLES) {
      // A table without a payload column: its JSON size is unknown here.
      has[t] = { search: await hasColumn(c, t, 'search'), payload: await hasColumn(c, t, 'payload') };
      bytes.push(await bytesOf(c, t, t, has[t]));
    }
    const cols = {} as Record<Table, string[]>;
    const lines = {} as Record<Table, string[]>;
    for (const t of TABLES) {
      cols[t] = await columnsOf(c, t);
      const order = t === 'messages' ? 'created_at, external_id' : 'external_id';
      lines[t] = await readLines(c, `SELECT ${cols[t].join(', ')} FROM ${t} ORDER BY ${order}`);
    }
    const linkCols: Record<string, string[]> = {};
    const linkLines: Record<string, string[]> = {};
    for (const t of LINK_TABLES) {
      linkCols[t] = await columnsOf(c, t);
      linkLines[t] = await readLines(c, `SELECT ${linkCols[t].join(', ')} FROM ${t} ORDER BY ticket_external_id`);
    }
    // Ticket pages of 100 carry their share of the customers and of the link rows (the sync writes a
    // page's customers, tag links and custom field values with it).
    const ticketPages = Math.ceil(lines.tickets.length / PAGE);
    const messagePages = Math.ceil(lines.messages.length / PAGE);
    const share = (n: number) => Math.ceil(n / Math.max(1, ticketPages));
    const customersPerPage = share(lines.customers.length);

    /** One timed copy of every row into fresh floor tables. */
    const copyOnce = async (): Promise<FloorRun> => {
      for (const t of [...TABLES, ...LINK_TABLES]) {
        await c.query(`DROP TABLE IF EXISTS floor_${t}`);
        await c.query(`CREATE TABLE floor_${t} (LIKE ${t} INCLUDING ALL)`);
        await copyForeignKeys(c, t, `floor_${t}`);
      }
      await c.query('CHECKPOINT');
      let linkMs = 0;
      const t0 = performance.now();
      for (let p = 0; p < ticketPages; p++) {
        await c.query('BEGIN');
        await copyLines(c, 'floor_customers', cols.customers, lines.customers.slice(p * customersPerPage, (p + 1) * customersPerPage));
        await copyLines(c, 'floor_tickets', cols.tickets, lines.tickets.slice(p * PAGE, (p + 1) * PAGE));
        const l0 = performance.now();
        for (const t of LINK_TABLES) {
          const per = share(linkLines[t].length);
          await copyLines(c, `floor_${t}`, linkCols[t], linkLines[t].slice(p * per, (p + 1) * per));
        }
        linkMs += performance.now() - l0;
        await c.query('COMMIT');
      }
      const t1 = performance.now();
      for (let p = 0; p < messagePages; p++) {
        await c.query('BEGIN');
        await copyLines(c, 'floor_messages', cols.messages, lines.messages.slice(p * PAGE, (p + 1) * PAGE));
        await c.query('COMMIT');
      }
      const t2 = performance.now();
      return { ms: t2 - t0, ticketMs: t1 - t0, linkMs, messageMs: t2 - t1 };
    };
    // The same COPY moved 7,000 – 9,700 rows/s between runs minutes apart on the shared machine (round 3h):
    // timed FLOOR_RUNS times, the median counts, and every run is shown.
    const runs: FloorRun[] = [];
    for (let i = 0; i < FLOOR_RUNS; i++) runs.push(await copyOnce());
    const median = [...runs].sort((a, b) => a.ms - b.ms)[Math.floor((runs.length - 1) / 2)];
    const { ms, ticketMs, linkMs, messageMs } = median;
    const messageVariants = [{ label: 'COPY (the floor above, its median run)', ms: messageMs }];
    messageVariants.push({
      label: 'COPY, without the generated search column and its GIN index',
      ms: await messagesWithoutSearch(c, cols.messages, lines.messages),
    });
    messageVariants.push({
      label: 'COPY, primary key and foreign key only (no other index, no search column)',
      ms: await messagesKeyOnly(c, cols.messages, lines.messages),
    });
    messageVariants.push({
      label: "one INSERT … SELECT FROM jsonb_populate_recordset($1) per page (the sync's parameter form, no ON CONFLICT)",
      ms: await messagesAsJson(c),
    });
    const floorBytes: TableBytes[] = [];
    for (const t of TABLES) {
      floorBytes.push(await bytesOf(c, `floor_${t}`, t, has[t]));
    }
    return {
      tickets: lines.tickets.length,
      customers: lines.customers.length,
      messages: lines.messages.length,
      links: LINK_TABLES.reduce((n, t) => n + linkLines[t].length, 0),
      pages: ticketPages + messagePages,
      ms,
      ticketMs,
      linkMs,
      messageMs,
      runs: runs.map((r) => r.ms),
      messageVariants,
      bytes,
      floorBytes,
      statements,
    };
  } finally {
    await c.end();
  }
}

/** LIKE copies no foreign keys: the floor checks the same ones as the sync's tables (to connectors). */
async function copyForeignKeys(c: Client, from: string, to: string): Promise<void> {
  const { rows } = await c.query<{ def: string }>(
    `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`,
    [from],
  );
  for (const r of rows) await c.query(`ALTER TABLE ${to} ADD ${r.def}`);
}

async function pagesOfCopies(c: Client, table: string, columns: string[], lines: string[]): Promise<number> {
  const t0 = performance.now();
  for (let p = 0; p * PAGE < lines.length; p++) {
    await c.query('BEGIN');
    await copyLines(c, table, columns, lines.slice(p * PAGE, (p + 1) * PAGE));
    await c.query('COMMIT');
  }
  return performance.now() - t0;
}

async function messagesWithoutSearch(c: Client, columns: string[], lines: string[]): Promise<number> {
  await c.query('DROP TABLE IF EXISTS floor_messages_nosearch');
  await c.query('CREATE TABLE floor_messages_nosearch (LIKE messages INCLUDING ALL)');
  await copyForeignKeys(c, 'messages', 'floor_messages_nosearch');
  await c.query('ALTER TABLE floor_messages_nosearch DROP COLUMN search'); // drops the GIN index on it too
  return pagesOfCopies(c, 'floor_messages_nosearch', columns, lines);
}

async function messagesKeyOnly(c: Client, columns: string[], lines: string[]): Promise<number> {
  await c.query('DROP TABLE IF EXISTS floor_messages_keyonly');
  await c.query('CREATE TABLE floor_messages_keyonly (LIKE messages INCLUDING DEFAULTS INCLUDING CONSTRAINTS)');
  await c.query('ALTER TABLE floor_messages_keyonly DROP COLUMN search');
  await c.query('ALTER TABLE floor_messages_keyonly ADD PRIMARY KEY (id)');
  await copyForeignKeys(c, 'messages', 'floor_messages_keyonly');
  return pagesOfCopies(c, 'floor_messages_keyonly', columns, lines);
}

/** The messages as JSON pages (read first, untimed), inserted with one statement a page. */
async function messagesAsJson(c: Client): Promise<number> {
  await c.query('DROP TABLE IF EXISTS floor_messages_json');
  await c.query('CREATE TABLE floor_messages_json (LIKE messages INCLUDING ALL)');
  await copyForeignKeys(c, 'messages', 'floor_messages_json');
  const cols = await columnsOf(c, 'messages');
  const { rows } = await c.query<{ page: string }>(
    `SELECT jsonb_agg(to_jsonb(m) - 'search')::text AS page
       FROM (SELECT m.*, (row_number() OVER (ORDER BY created_at, external_id) - 1) / ${PAGE} AS p FROM messages m) m
      GROUP BY p ORDER BY p`,
  );
  const list = cols.join(', ');
  const t0 = performance.now();
  for (const r of rows) {
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO floor_messages_json (${list}) SELECT ${list} FROM jsonb_populate_recordset(NULL::floor_messages_json, $1::jsonb)`,
      [r.page],
    );
    await c.query('COMMIT');
  }
  return performance.now() - t0;
}

const perRow = (n: number, rows: number) => (rows ? Math.round(n / rows) : 0);

/** The floor's rows of the bench:sync table, and the bytes and statements tables below it. */
/** Rows per second of the floor: tickets and messages, as the sync counts them (customers and link rows written, not counted). */
export function floorRateOf(floor: CopyFloor, withLinks = true): number {
  return (floor.tickets + floor.messages) / ((floor.ms - (withLinks ? 0 : floor.linkMs)) / 1000);
}

export function floorMarkdown(floor: CopyFloor, sync: { rows: number; wallMs: number }): { row: string; detail: string } {
  const floorRows = floor.tickets + floor.messages;
  const floorRate = floorRateOf(floor);
  const withoutLinks = floorRateOf(floor, false);
  const syncRate = sync.rows / (sync.wallMs / 1000);
  const row =
    `| COPY floor: the same rows COPYed into copies of the same tables (LIKE … INCLUDING ALL, same foreign keys), ${floor.pages} page transactions of ${PAGE}; ` +
    `the median of ${floor.runs.length} runs (${floor.runs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' / ')}) | ` +
    `${Math.round(floorRate).toLocaleString('en')} rows/s (${floorRows} rows + ${floor.customers} customers + ${floor.links} tag links and custom field values in ${(floor.ms / 1000).toFixed(1)} s: ` +
    `tickets+customers+links ${(floor.ticketMs / 1000).toFixed(1)} s, of which links ${(floor.linkMs / 1000).toFixed(1)} s; messages ${(floor.messageMs / 1000).toFixed(1)} s) | — |\n` +
    `| sync / COPY floor | **${(syncRate / floorRate).toFixed(2)}x** | ≥ 0.5x (issue 27) |\n` +
    `| sync / COPY floor without the link rows (the floor of rounds 3a – 3g: ${Math.round(withoutLinks).toLocaleString('en')} rows/s) | ${(syncRate / withoutLinks).toFixed(2)}x | — |\n`;
  const bytesRows = floor.bytes
    .map((b) => {
      const f = floor.floorBytes.find((x) => x.table === b.table)!;
      const total = b.heap + b.toast + b.indexes;
      return (
        `| ${b.table} | ${b.rows} | ${perRow(b.heap, b.rows)} | ${perRow(b.toast, b.rows)} | ${perRow(b.indexes, b.rows)} | ` +
        `**${perRow(total, b.rows)}** (floor copy ${perRow(f.heap + f.toast + f.indexes, f.rows)}) | ${Math.round(b.search)} | ` +
        `${Math.round(b.payload)} | ${b.json ? Math.round(b.json) : '—'} | ${b.json ? (total / b.rows / b.json).toFixed(1) : '—'} |`
      );
    })
    .join('\n');
  let detail =
    `Bytes per row on disk after the sync (the floor's copies, freshly COPYed, in brackets):\n\n` +
    `| table | rows | heap | TOAST | indexes | total | of which search tsvector | of which payload jsonb | JSON sent (payload as text) | disk / JSON |\n` +
    `|---|---|---|---|---|---|---|---|---|---|\n${bytesRows}\n`;
  detail +=
    `\nThe ${floor.messages} messages again, each way timed the same (${Math.ceil(floor.messages / PAGE)} transactions of ${PAGE}):\n\n` +
    `| messages written by | time | rows/s |\n|---|---|---|\n` +
    floor.messageVariants
      .map((v) => `| ${v.label} | ${(v.ms / 1000).toFixed(2)} s | ${Math.round(floor.messages / (v.ms / 1000)).toLocaleString('en')} |`)
      .join('\n') +
    '\n';
  if (floor.statements) {
    const total = floor.statements.reduce((s, x) => s + x.totalMs, 0);
    detail +=
      `\nServer time by statement during the sync (pg_stat_statements, execution time; ${(total / 1000).toFixed(1)} s in all, ` +
      `${((total / sync.wallMs) * 100).toFixed(0)} % of the sync's wall time):\n\n| statement | calls | rows | total | share | WAL |\n|---|---|---|---|---|---|\n` +
      floor.statements
        .filter((s) => s.totalMs >= total * 0.001)
        .map(
          (s) =>
            `| ${s.kind} | ${s.calls} | ${s.rows} | ${(s.totalMs / 1000).toFixed(2)} s | ${((s.totalMs / total) * 100).toFixed(1)} % | ${(s.walBytes / 1024 / 1024).toFixed(1)} MB |`,
        )
        .join('\n') +
      '\n';
    // Every statement the server ran (BEGIN and COMMIT included: pg_stat_statements tracks utility statements),
    // per 100 rows written (the floor's page): the sync's round trips beside COPY's three (BEGIN, COPY, COMMIT).
    const calls = floor.statements.reduce((s, x) => s + x.calls, 0);
    detail += `\nStatements during the sync: ${calls} in all, ${(calls / floor.pages).toFixed(1)} per ${PAGE} rows (COPY: 3).\n`;
    const planned = floor.statements.filter((x) => x.planMs > 0).sort((x, y) => y.planMs - x.planMs);
    if (planned.length) {
      const plan = planned.reduce((n, x) => n + x.planMs, 0);
      detail +=
        `\nPlanning time (BENCH_TRACK_PLANNING=1): ${(plan / 1000).toFixed(2)} s in all, beside ${(total / 1000).toFixed(1)} s of execution; the most:\n\n` +
        `| statement | calls | planning | per call |\n|---|---|---|---|\n` +
        planned
          .slice(0, 8)
          .map((x) => `| ${x.kind} | ${x.calls} | ${(x.planMs / 1000).toFixed(2)} s | ${(x.planMs / x.calls).toFixed(2)} ms |`)
          .join('\n') +
        '\n';
    }
  }
  return { row, detail };
}
