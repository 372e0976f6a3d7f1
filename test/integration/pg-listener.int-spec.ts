import { Logger } from '@nestjs/common';
import { PgListener } from '../../src/database/pg-listener';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';

/** Resolves once `check` holds, polling every 50 ms (fails the test after 10 s). */
async function until(what: string, check: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('PgListener (real PostgreSQL)', () => {
  let db: IntegrationDb;
  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  it('receives NOTIFYs on its channels at commit, and after its connection is killed, reconnects and says so', async () => {
    const got: string[] = [];
    let reconnects = 0;
    const listener = new PgListener({
      databaseUrl: db.url,
      applicationName: 'pg-listener-spec',
      channels: ['spec_a', 'spec_b'],
      onNotification: (channel, payload) => got.push(`${channel}:${payload}`),
      onReconnected: () => reconnects++,
      logger: new Logger('spec'),
    });
    await listener.start();
    try {
      await db.ds.transaction(async (m) => {
        await m.query(`SELECT pg_notify('spec_a', '1'), pg_notify('spec_other', 'x')`);
        await new Promise((r) => setTimeout(r, 200));
        expect(got).toEqual([]); // not before COMMIT
      });
      await until('the first notification', () => got.length === 1);
      expect(got).toEqual(['spec_a:1']);

      await db.ds.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pg-listener-spec'`);
      await until('the reconnect', () => reconnects === 1);
      await db.ds.query(`SELECT pg_notify('spec_b', '2')`);
      await until('a notification after the reconnect', () => got.length === 2);
      expect(got).toEqual(['spec_a:1', 'spec_b:2']);
    } finally {
      await listener.stop();
    }
  });
});
