import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AppProcess, startAppProcess } from '../../support/app-process';

/**
 * `npm start` twice in one folder, as a user with two terminals would: the second start must not
 * shut down the first one's embedded PostgreSQL. A server whose owner was killed is still cleaned up.
 */
describe('starting twice in the same folder', () => {
  let dir: string;
  const started: AppProcess[] = [];
  const env = () => ({ DATA_DIR: dir, DATABASE_URL: '', SYNC_SCHEDULER_ENABLED: 'false' });
  const health = async (app: AppProcess) => (await fetch(`${app.url}/health`)).json() as Promise<any>;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'cxconnect-twice-'));
    chmodSync(dir, 0o755); // the embedded server runs as `postgres`
  });
  afterAll(async () => {
    for (const app of started) await app.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the second start with a message naming the other process and DATA_DIR; the first keeps its database', async () => {
    const first = await startAppProcess(env());
    started.push(first);
    expect(await health(first)).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });

    const second = startAppProcess(env());
    await expect(second).rejects.toThrow(
      new RegExp(`exited with 1[\\s\\S]*another running gateway \\(process ${first.child.pid}\\)[\\s\\S]*DATA_DIR`),
    );
    expect(await health(first)).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });

  it('stops the server of an instance that was killed (an orphan) and starts normally', async () => {
    const first = started[0];
    await first.kill9(); // its postgres child keeps running, holding the folder
    const third = await startAppProcess(env());
    started.push(third);
    expect(await health(third)).toMatchObject({ status: 'ok', info: { database: { status: 'up' } } });
  });
});
