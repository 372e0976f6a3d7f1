import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

const FILE = path.resolve(__dirname, '../docs/benchmarks.md');
const HEADER = '# Benchmarks\n\nFigures from one run on the 2-core development machine. Each section is rewritten by its command.\n';

/** Replaces this benchmark's section of docs/benchmarks.md (between its markers), keeping the others. */
export function writeBenchSection(name: string, markdown: string): void {
  // Figures against another server (BENCH_DATABASE_URL, e.g. a Citus cluster), or of a comparison run at other
  // sizes (BENCH_PRINT_ONLY=1, scripts/bench-citus.sh), are printed, not recorded.
  if (process.env.BENCH_DATABASE_URL || process.env.BENCH_PRINT_ONLY) return;
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  let doc = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const re = new RegExp(`${start}[\\s\\S]*?${end}`);
  doc = re.test(doc) ? doc.replace(re, block) : `${doc.trimEnd()}\n\n${block}\n`;
  writeFileSync(FILE, doc);
}
