import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../../src/database/embedded-postgres';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The `sh` blocks of the README's walk-through, in order. */
function walkThroughBlocks(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## /m).find((s) => s.startsWith('Walk-through'));
  if (!section) throw new Error('README has no "Walk-through" section');
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1].trim());
}

/** Starts a README command in its own process group and resolves once its output matches `ready`. */
function startCommand(command: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('bash', ['-c', command], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`"${command}" did not get ready:\n${out.slice(-3000)}`)), 120_000);
    child.stdout!.on('data', () => {
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`"${command}" exited with ${code}:\n${out.slice(-3000)}`));
    });
  });
}

async function stopGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
}

/**
 * A newcomer's path, from the README itself: its walk-through commands are run as written (only
 * the ports are moved to free ones and the "<id>" placeholders filled in), so the README cannot rot.
 */
describe('README walk-through', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'cxconnect-readme-'));
  let sim: Awaited<ReturnType<typeof startCommand>> | undefined;
  let gateway: Awaited<ReturnType<typeof startCommand>> | undefined;
  afterAll(async () => {
    await stopGroup(gateway?.child);
    await stopGroup(sim?.child);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('simulator, gateway, token, Test Connection, Add Connector, Save & Activate, monitor, query tickets', async () => {
    const [simBlock, gatewayBlock, apiBlock] = walkThroughBlocks();
    expect(simBlock).toMatch(/npm run gorgias:sim/);
    expect(gatewayBlock).toMatch(/npm start/);
    const simPort = await freePort();
    const appPort = await freePort();
    const ports = (s: string) => s.replace(/4010/g, String(simPort)).replace(/localhost:3000/g, `localhost:${appPort}`);
    // The gateway keeps its embedded database and generated secrets in a throwaway data folder.
    const env = { DATA_DIR: dataDir, PORT: String(appPort), NODE_ENV: 'development', LOG_LEVEL: 'warn' };

    sim = await startCommand(ports(simBlock), {}, /listening on/);
    gateway = await startCommand(ports(gatewayBlock), env, /Admin token/);
    expect(gateway.output()).toMatch(new RegExp(`GraphQL: http://localhost:${appPort}/graphql`));

    const lines = ports(apiBlock)
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const tokenLine = lines.find((l) => l.startsWith('TOKEN='))!;
    const gqlDefinition = lines.find((l) => l.startsWith('gql()'))!;
    const calls = lines.filter((l) => l.startsWith('gql '));
    expect(calls.length).toBeGreaterThanOrEqual(6);

    const token = (
      await run('bash', ['-c', `${tokenLine}; printf %s "$TOKEN"`], { cwd: ROOT, env: { ...process.env, ...env } })
    ).stdout.trim();
    expect(token.split('.')).toHaveLength(3);

    let connectorId = '';
    const call = async (line: string) => {
      const filled = line.replace(/<id from above>|<id>/g, connectorId);
      const { stdout } = await run('bash', ['-c', `${gqlDefinition}\n${filled}`], { cwd: ROOT, env: { ...process.env, TOKEN: token } });
      const body = JSON.parse(stdout);
      expect(body.errors).toBeUndefined();
      return body.data;
    };

    const [check, create, activate, ...monitor] = calls;
    expect((await call(check)).checkGorgiasCredentials).toMatchObject({ ok: true, code: 'OK' });
    const created = (await call(create)).createGorgiasConnector;
    expect(created).toMatchObject({ status: 'DRAFT', subdomain: 'acme', apiKeyLast4: expect.any(String) });
    connectorId = created.id;
    expect((await call(activate)).activateConnector.status).toBe('ACTIVE');

    // Monitor until the initial sync is done, with the README's own monitoring call.
    const deadline = Date.now() + 90_000;
    let connectors: any[] = [];
    for (;;) {
      connectors = (await call(monitor[0])).connectors;
      if (connectors[0]?.latestRun?.status === 'SUCCEEDED') break;
      if (Date.now() > deadline) throw new Error(`initial sync did not finish: ${JSON.stringify(connectors)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(connectors[0]).toMatchObject({
      status: 'ACTIVE',
      lastError: null,
      ticketCount: 500,
      latestRun: { status: 'SUCCEEDED', percent: 100 },
    });
    const logs = (await call(monitor[1])).syncLogs.nodes.map((n: any) => n.message).join('\n');
    expect(logs).toMatch(/Sync succeeded: 500 tickets/);
    const tickets = (await call(monitor[2])).tickets;
    expect(tickets.nodes).toHaveLength(5);
    expect(tickets.nodes.every((t: any) => t.status === 'open' && t.messages.nodes.length >= 1)).toBe(true);
  });
});
