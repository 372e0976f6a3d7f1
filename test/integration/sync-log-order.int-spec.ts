import { SyncLogRepository, SyncLogRow } from '../../src/sync/repositories/sync-log.repository';
import { SyncLogLevel } from '../../src/sync/sync-run.types';
import { IntegrationDb, openIntegrationDb, seedConnector } from './support/integration-db';

/** Every page of the log, `size` lines at a time, following the cursor the way the API does (after the last id). */
async function walk(
  logs: SyncLogRepository,
  scope: { tenantId: string; connectorId: string },
  filter: { level?: SyncLogLevel },
  size: number,
) {
  const seen: SyncLogRow[] = [];
  let after: string | undefined;
  for (let page = 0; page < 1000; page++) {
    const { rows } = await logs.listPage(scope, filter, size, after);
    const shown = rows.slice(0, size); // the repository answers first + 1 to say there is more
    seen.push(...shown);
    if (rows.length <= size) return seen;
    after = shown[shown.length - 1].id;
  }
  throw new Error('the log never ended');
}

describe('sync log order (real PostgreSQL)', () => {
  let db: IntegrationDb;
  let logs: SyncLogRepository;

  beforeAll(async () => {
    db = await openIntegrationDb();
    logs = new SyncLogRepository(db.ds);
  });
  afterAll(() => db?.close());

  // Ids cross 9→10 and 99→100: a text ordering ("9" > "10") puts 9 on top and loses lines across pages.
  it('pages through 130 lines a few at a time: every line exactly once, newest first', async () => {
    const scope = await seedConnector(db.ds);
    const other = await seedConnector(db.ds);
    for (let i = 1; i <= 130; i++) {
      await logs.insert(scope, i % 10 === 0 ? SyncLogLevel.ERROR : SyncLogLevel.INFO, `line ${i}`);
      // Another connector's lines in between: ids of this log are not contiguous.
      if (i % 7 === 0) await logs.insert(other, SyncLogLevel.INFO, `other ${i}`);
    }
    const lines = await walk(logs, scope, {}, 3);
    expect(lines.map((l) => l.message)).toEqual(Array.from({ length: 130 }, (_, k) => `line ${130 - k}`));
    const ids = lines.map((l) => BigInt(l.id));
    expect(ids.some((id) => id > 99n)).toBe(true);
    expect(ids.every((id, k) => k === 0 || id < ids[k - 1])).toBe(true);

    const errors = await walk(logs, scope, { level: SyncLogLevel.ERROR }, 4);
    expect(errors.map((l) => l.message)).toEqual(Array.from({ length: 13 }, (_, k) => `line ${130 - 10 * k}`));

    const { rows } = await logs.listPage(scope, {}, 1);
    expect(rows[0].message).toBe('line 130'); // the newest line is the first thing an operator sees
  });
});
