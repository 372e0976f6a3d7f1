/**
 * The load generator of bench:feed, in its own process: changes tickets at a steady rate, each
 * transaction as a sync page or a webhook refresh would (the ticket rows, then the feed rows through
 * the real TicketChangeRepository, in one transaction), and records when each change committed.
 *
 * Environment: DATABASE_URL, BENCH_TENANT, BENCH_CONNECTORS (comma-separated), BENCH_TICKETS (per
 * connector, external ids 1..N), BENCH_RATE (changes/s; 0 = as fast as possible), BENCH_SECONDS,
 * BENCH_CONCURRENCY (connections), BENCH_OUT (file for the commit times, JSON lines).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DataSource } from 'typeorm';
import { TicketChangeRepository } from '../src/tickets/changes/ticket-change.repository';

const env = (name: string) => {
  const v = process.env[name];
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const tenantId = env('BENCH_TENANT');
const connectors = env('BENCH_CONNECTORS').split(',');
const tickets = Number(env('BENCH_TICKETS'));
const rate = Number(env('BENCH_RATE'));
const seconds = Number(env('BENCH_SECONDS'));
const concurrency = Number(env('BENCH_CONCURRENCY'));
const now = () => performance.timeOrigin + performance.now();

async function main() {
  const ds = new DataSource({ type: 'postgres', url: env('DATABASE_URL'), extra: { max: concurrency } });
  await ds.initialize();
  const feed = new TicketChangeRepository(ds);
  const commits: string[] = [];
  let planned = 0; // changes scheduled so far
  let tx = 0;
  const start = now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (now() < end) {
      // 1 to 9 tickets per transaction (5 on average): small pages and single-ticket refreshes.
      const size = 1 + Math.floor(Math.random() * 9);
      const due = start + (planned / rate) * 1000;
      planned += size;
      if (rate > 0 && due > now()) await new Promise((r) => setTimeout(r, due - now()));
      const connectorId = connectors[Math.floor(Math.random() * connectors.length)];
      const ids = [...new Set(Array.from({ length: size }, () => String(1 + Math.floor(Math.random() * tickets))))].sort(
        (a, b) => Number(a) - Number(b),
      );
      const txNo = ++tx;
      await ds.transaction(async (m) => {
        await m.query(
          `UPDATE tickets t SET subject = 'b' || $3 || ':' || t.external_id, messages_count = t.messages_count + 1, updated_at = now()
            WHERE t.connector_id = $1 AND t.tenant_id = $4 AND t.external_id = ANY($2::bigint[])`,
          [connectorId, ids, txNo, tenantId],
        );
        await feed.record(m, { tenantId, connectorId }, ids);
      });
      const at = now();
      for (const id of ids) commits.push(JSON.stringify({ s: `b${txNo}:${id}`, c: connectorId, at }));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (now() - start) / 1000;
  writeFileSync(env('BENCH_OUT'), commits.join('\n') + '\n');
  process.stdout.write(JSON.stringify({ changes: commits.length, transactions: tx, seconds: elapsed }) + '\n');
  await ds.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
