/**
 * Where the gateway's CPU goes, from Linux `perf` rather than V8's profiler.
 *
 * V8's CPU profiler samples wall time on the main thread only: on 2 cores, a sample that falls while the
 * gateway waits for a core lands on whatever it resumes with (after `writev` wakes the load generator, the
 * "writev" leaf took 32 % of the gateway's profile when perf measured 4.5 %), and the garbage collector's
 * and the optimizing compiler's helper threads are not seen at all. `perf record` counts CPU time on every
 * thread of the process; the gateway run for it is started with `--perf-prof`, so V8 writes a map of its
 * generated code (`jit-<pid>.dump`, in the process's working directory) that `perf inject --jit` turns into
 * JavaScript function names, code moves included.
 *
 * Used by bench:query when `perf` can record here (root, or kernel.perf_event_paranoid ≤ 1); otherwise the
 * bench falls back to V8's profiler and says so.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProfileBreakdown, partOfScript } from './profile-summary';

/** Samples per second and thread: each sample stands for 1/PERF_FREQUENCY s of CPU time. */
export const PERF_FREQUENCY = 999;

/** Node flags for the gateway process that perf profiles. */
export const PERF_NODE_FLAGS = ['--perf-prof', '--interpreted-frames-native-stack'];

/** Whether `perf record` works on this machine (installed, and allowed to watch another process). */
export function perfUsable(): boolean {
  const dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-perf-check-'));
  try {
    const r = spawnSync('perf', ['record', '-q', '-o', path.join(dir, 'check.data'), '--', 'true'], {
      stdio: 'ignore',
      timeout: 20_000,
      env: perfEnv(path.join(dir, 'check.data')),
    });
    return r.status === 0;
  } catch {
    return false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A working directory for the profiled process: V8 writes its code map there. */
export function perfWorkDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'cxconnect-perf-'));
}

/**
 * perf keeps a copy of every binary it saw in a build-id cache (~/.debug by default): with one file per piece
 * of JIT code that is gigabytes a run. Each perf command here keeps that cache next to its data instead,
 * deleted with it.
 */
function perfEnv(file: string): NodeJS.ProcessEnv {
  // perf inject ignores PERF_BUILDID_DIR and writes to $HOME/.debug: both point at the same place.
  return { ...process.env, PERF_BUILDID_DIR: `${file}.buildid`, HOME: `${file}.buildid` };
}

/** Starts recording every thread of `pid` (call graphs included) into `file`; `stop` ends it. */
export function startPerfRecord(pid: number, file: string): { stop(): Promise<void> } {
  const perf: ChildProcess = spawn(
    'perf',
    ['record', '-q', '-k', 'mono', '-F', String(PERF_FREQUENCY), '-g', '-p', String(pid), '-o', file],
    { stdio: 'ignore', env: perfEnv(file) },
  );
  return {
    stop: () =>
      new Promise<void>((resolve, reject) => {
        perf.once('exit', (code, signal) =>
          code === 0 || signal === 'SIGINT' ? resolve() : reject(new Error(`perf record exited with ${code ?? signal}`)),
        );
        perf.kill('SIGINT');
      }),
  };
}

// Frames of V8's own C++ work, looked for between the sampled instruction and the nearest JavaScript frame.
const GC =
  /v8::internal::(Heap::|Scavenge|MarkCompact|ConcurrentMarking|IncrementalMarking|MinorGC|MinorMarkCompact|Sweeper|GCTracer|ArrayBufferSweeper|MemoryAllocator|PagedSpace|SemiSpace|NewSpace|.*Evacuat|.*Collector)/;
const COMPILER =
  /v8::internal::(compiler::|maglev::|Compiler::|OptimizingCompileDispatcher|Parser|PreParser|interpreter::Bytecode|baseline::|Deoptimizer)/;
const JSON_STRINGIFY = /v8::internal::JsonStringifier/;
const JSON_PARSE = /v8::internal::JsonParser/;
const KERNEL = /\[kernel\.kallsyms\]|^ffffffff/;

export const PERF_PARTS = {
  gc: 'garbage collection (V8, all threads)',
  compile: 'JIT compilation and deoptimization (V8, all threads)',
  kernel: 'kernel (system calls: socket reads and writes, epoll; page faults)',
  stringify: 'JSON.stringify',
  parse: 'JSON.parse',
  native: 'V8 / native (no JavaScript frame)',
} as const;

/** `JS:*name path:line:col` → the script path. */
function scriptOf(symbol: string): string | undefined {
  const m = /^JS:\S?\S*\s+(.+):\d+:\d+/.exec(symbol);
  return m?.[1];
}

/** One sample's part: the work of V8 or the kernel it was doing, else the part of the nearest script that has one. */
function partOfSample(frames: { symbol: string; dso: string }[]): string {
  for (const f of frames) {
    if (f.symbol.startsWith('JS:')) break;
    if (GC.test(f.symbol)) return PERF_PARTS.gc;
    if (COMPILER.test(f.symbol)) return PERF_PARTS.compile;
    if (JSON_STRINGIFY.test(f.symbol)) return PERF_PARTS.stringify;
    if (JSON_PARSE.test(f.symbol)) return PERF_PARTS.parse;
  }
  if (frames.length && KERNEL.test(`${frames[0].dso} ${frames[0].symbol}`)) return PERF_PARTS.kernel;
  for (const f of frames) {
    const script = f.symbol.startsWith('JS:') ? scriptOf(f.symbol) : undefined;
    const part = script === undefined ? undefined : partOfScript(script);
    if (part) return part; // undefined: a Node built-in that counts for its caller (e.g. Buffer decoding for pg)
  }
  return PERF_PARTS.native;
}

/**
 * Reads `file` (perf record's output for process `pid`, whose code map V8 wrote in its working directory): CPU time per part,
 * all threads. The code map stays (the same process may be profiled again): remove that directory when done.
 */
export function summarizePerf(file: string, pid: number): ProfileBreakdown & { mainThreadShare: number } {
  const injected = `${file}.jit`;
  try {
    execFileSync('perf', ['inject', '--jit', '-i', file, '-o', injected], { stdio: 'ignore', env: perfEnv(file) });
    const out = execFileSync('perf', ['script', '-i', injected, '-F', 'tid,ip,sym,dso'], {
      maxBuffer: 1 << 30,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      env: perfEnv(file),
    });
    const counts = new Map<string, number>();
    let samples = 0;
    let mainThread = 0;
    for (const block of out.split(/\n\s*\n/)) {
      const lines = block.split('\n').filter((l) => l.trim());
      if (!lines.length) continue;
      const tid = Number(lines[0].trim());
      const frames = lines.slice(1).map((l) => {
        const m = /^\s*[0-9a-f]+\s+(.*?)\s+\(([^()]*)\)\s*$/.exec(l);
        return m ? { symbol: m[1], dso: m[2] } : { symbol: l.trim(), dso: '' };
      });
      const part = partOfSample(frames);
      counts.set(part, (counts.get(part) ?? 0) + 1);
      samples++;
      if (tid === pid) mainThread++;
    }
    const ms = 1000 / PERF_FREQUENCY;
    const parts = [...counts.entries()].map(([part, n]) => ({ part, ms: n * ms })).sort((a, b) => b.ms - a.ms);
    return { totalMs: samples * ms, busyMs: samples * ms, parts, mainThreadShare: samples ? mainThread / samples : 0 };
  } finally {
    rmSync(injected, { force: true });
    rmSync(file, { force: true });
    rmSync(perfEnv(file).PERF_BUILDID_DIR!, { recursive: true, force: true });
  }
}
