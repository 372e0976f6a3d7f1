/**
 * bench:query floor: the least a Node server can do for the same answers. node:http and a pg pool
 * (BENCH_CONNECTIONS clients), one statement per answer that builds the whole JSON body in PostgreSQL,
 * passed through as text. No GraphQL, no auth, no framework: what is left is HTTP, pg and PostgreSQL.
 * The request body names the case: {"case": "list" | "search"}.
 *
 * FLOOR_PREPARED=1: the same statements as named prepared statements, the search's tsquery computed in a
 * sub-select as the gateway does, so that PostgreSQL plans each once (a generic plan) instead of per request.
 * The gateway does that; this floor shows what is left of its overhead when PostgreSQL's work is the same.
 */
import { createServer } from 'node:http';
import { Pool } from 'pg';
import { CASES } from './cases';
import { serveParent } from './child';
import { countSql, sqlStats } from './sql-counter';

const PREPARED = process.env.FLOOR_PREPARED === '1';
const preparedSql = (sql: string) => sql.replace(/websearch_to_tsquery\('simple', \$2\)/g, "(SELECT websearch_to_tsquery('simple', $2))");

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BENCH_CONNECTIONS ?? 8) });
countSql();

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const key = JSON.parse(Buffer.concat(chunks).toString()).case;
      const c = CASES.find((x) => x.key === key);
      if (!c) throw new Error(`unknown case ${key}`);
      const { rows } = PREPARED
        ? await pool.query({ name: `floor_${c.key}`, text: preparedSql(c.floorSql), values: c.floorParams })
        : await pool.query(c.floorSql, c.floorParams);
      res.writeHead(200, { 'content-type': 'application/json' }).end(rows[0].body);
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
});
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  serveParent(`http://127.0.0.1:${addr.port}`, () => sqlStats);
});
