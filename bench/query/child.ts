/**
 * The servers of bench:query each run in a process of their own (started by `startServer`), and the
 * load generator in yet another: no contender shares an event loop with autocannon or with another.
 * Parent and child talk over Node's IPC channel: the child announces its URL, then answers
 * `stats` (SQL statements sent and their time, memory after a full GC), `counters` (the same without the
 * GC, read right before and after a measured run: a full GC there would throw away optimized code, see
 * `measure` in query.bench.ts) and `profile-start` / `profile-stop` (V8's CPU profiler, the one behind
 * `node --cpu-prof`, scoped to the measured run).
 */
import { ChildProcess, fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

export interface ServerStats {
  sql: number;
  /** Time from send to answer, summed over statements. */
  sqlMs: number;
  heapUsed: number;
  rss: number;
  /** CPU time this process has used (user + system), ms. */
  cpuMs: number;
}

type Request = { id: number; cmd: 'stats' | 'counters' | 'profile-start' | 'profile-stop'; file?: string };

/** In the child: announce `url`, then answer the parent's requests. `sql` reads the statements sent so far. */
export function serveParent(url: string, sql: () => { count: number; ms: number }): void {
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res))));
  process.on('message', async (msg: Request) => {
    let result: unknown;
    if (msg.cmd === 'stats' || msg.cmd === 'counters') {
      if (msg.cmd === 'stats') (global as any).gc?.();
      const m = process.memoryUsage();
      const cpu = process.cpuUsage();
      result = {
        sql: sql().count,
        sqlMs: sql().ms,
        heapUsed: m.heapUsed,
        rss: m.rss,
        cpuMs: (cpu.user + cpu.system) / 1000,
      } satisfies ServerStats;
    } else if (msg.cmd === 'profile-start') {
      await post('Profiler.enable');
      await post('Profiler.start');
    } else if (msg.cmd === 'profile-stop') {
      const { profile } = await post('Profiler.stop');
      writeFileSync(msg.file!, JSON.stringify(profile));
    }
    process.send!({ id: msg.id, result });
  });
  process.on('disconnect', () => process.exit(0));
  process.send!({ ready: url });
}

export interface Server {
  url: string;
  process: ChildProcess;
  call<T = unknown>(cmd: Request['cmd'], file?: string): Promise<T>;
  stop(): Promise<void>;
}

/**
 * Starts `script` (TypeScript, next to this file) in its own Node process; resolves once it listens.
 * `cwd`: the process's working directory (V8's `--perf-prof` writes its code map there).
 */
export function startServer(script: string, env: Record<string, string>, nodeFlags: string[] = [], cwd?: string): Promise<Server> {
  const child = fork(path.join(__dirname, script), [], {
    // The project's tsconfig by path: ts-node would look for one in `cwd`.
    env: { ...process.env, TS_NODE_PROJECT: path.resolve(__dirname, '../../tsconfig.json'), ...env },
    execArgv: [...nodeFlags, '--expose-gc', '--require', require.resolve('ts-node/register/transpile-only')],
    cwd,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, (v: any) => void>();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with code ${code} before listening`)));
    child.on('message', (msg: any) => {
      if (msg.ready) {
        resolve({
          url: msg.ready,
          process: child,
          call: (cmd, file) =>
            new Promise((res) => {
              const id = ++next;
              waiting.set(id, res);
              child.send({ id, cmd, file });
            }),
          stop: () =>
            new Promise<void>((res) => {
              if (child.exitCode !== null) return res();
              child.once('exit', () => res());
              child.kill('SIGTERM');
            }),
        });
      } else if (msg.id) {
        waiting.get(msg.id)?.(msg.result);
        waiting.delete(msg.id);
      }
    });
  });
}
