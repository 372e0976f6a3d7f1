/**
 * The unlimited sync twice through bench/sync-replay-proxy.ts (issue 27, item 1): once recording the
 * simulator's answers (the live figure), then on a fresh database and connector, with a fresh simulator
 * of the same seed, answered from memory, so that the simulator's page building no longer shares the
 * two cores with the sync. Both passes go through the proxy, so both pay its hop. The replayed pass must
 * store exactly the rows the live one stored, or the bench fails.
 *
 * BENCH_REPLAY_CONTROL=1 runs the second pass live too: the second sync in the same process starts with a
 * warm JIT, so this measures what the order alone gives, to set against the replay's gain.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from '../src/database/embedded-postgres';
import { runOnce, RunOptions, untilListening } from './sync-harness';

export interface ReplayStats {
  mode: string;
  keys: number;
  recorded: number;
  replayed: number;
  live: number;
}

interface ReplayProxy {
  port: number;
  pid: number;
  call(route: string): Promise<ReplayStats>;
  stop(): void;
}

async function startReplayProxy(): Promise<ReplayProxy> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.resolve(__dirname, 'sync-replay-proxy.ts'), '--port', String(port), '--upstream', '1'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await untilListening(child, port, 'replay proxy');
  const call = async (route: string) => {
    const res = await fetch(`http://127.0.0.1:${port}/__replay/${route}`);
    if (!res.ok) throw new Error(`replay proxy ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as ReplayStats;
  };
  return { port, pid: child.pid!, call, stop: () => child.kill('SIGTERM') };
}

/** Tickets and messages stored in the bench database (one tenant, one connector: the whole tables). */
async function storedCounts(url: string): Promise<{ tickets: number; messages: number }> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query(
      'SELECT (SELECT count(*) FROM tickets)::int AS tickets, (SELECT count(*) FROM messages)::int AS messages',
    );
    return rows[0];
  } finally {
    await c.end();
  }
}

/**
 * The live pass with `liveOpts` (its `inspect` answers `inspected`), then the replayed pass; each pass's
 * stored counts are read before teardown and compared.
 */
export async function runLiveAndReplayed(liveOpts: RunOptions) {
  const control = process.env.BENCH_REPLAY_CONTROL;
  if (control !== undefined && control !== '1') throw new Error(`BENCH_REPLAY_CONTROL must be 1 or unset, not ${control}`);
  const secondMode = control === '1' ? 'record' : 'replay';
  const proxy = await startReplayProxy();
  try {
    const pass = async (mode: 'record' | 'replay', opts: RunOptions) => {
      let counts = { tickets: -1, messages: -1 };
      const result = await runOnce(`no rate limit, ${mode}`, ['--no-rate-limit'], {
        ...opts,
        via: async (simPort) => {
          await proxy.call(`upstream?port=${simPort}`);
          await proxy.call(`mode?m=${mode}`);
          return { port: proxy.port, pid: proxy.pid };
        },
        inspect: async (url) => {
          counts = await storedCounts(url);
          return opts.inspect?.(url);
        },
      });
      return { result, counts, proxy: await proxy.call('stats') };
    };
    const live = await pass('record', liveOpts);
    const before = live.proxy;
    const replayed = await pass(secondMode, {
      statStatements: liveOpts.statStatements,
    });
    const same =
      live.counts.tickets === replayed.counts.tickets &&
      live.counts.messages === replayed.counts.messages &&
      live.result.run.ticketsSynced === replayed.result.run.ticketsSynced &&
      live.result.run.messagesSynced === replayed.result.run.messagesSynced;
    if (live.result.run.status !== 'SUCCEEDED' || replayed.result.run.status !== 'SUCCEEDED' || !same) {
      throw new Error(
        `the replayed sync did not store what the live one did: live ${live.result.run.status} ${JSON.stringify(live.counts)} ` +
          `(run ${live.result.run.ticketsSynced}/${live.result.run.messagesSynced}), replayed ${replayed.result.run.status} ` +
          `${JSON.stringify(replayed.counts)} (run ${replayed.result.run.ticketsSynced}/${replayed.result.run.messagesSynced})`,
      );
    }
    const served = {
      replayed: replayed.proxy.replayed - before.replayed,
      live: replayed.proxy.live - before.live,
    };
    return {
      live: live.result,
      replayed: replayed.result,
      secondMode,
      recorded: before.recorded,
      served,
      counts: live.counts,
    };
  } finally {
    proxy.stop();
  }
}
