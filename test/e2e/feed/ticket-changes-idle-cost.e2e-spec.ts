import { randomUUID } from 'node:crypto';
import { Client as WsClient } from 'graphql-ws';
import { Client as PgClient } from 'pg';
import { DataSource } from 'typeorm';
import { TicketChangeHub } from '../../../src/tickets/changes/ticket-change.hub';
import { TicketChangeRecorder } from '../../../src/tickets/changes/ticket-change.recorder';
import { TicketChangesService } from '../../../src/tickets/changes/ticket-changes.service';
import { seedConnector, sleep, writeTicketVersion } from '../../support/feed-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { wsClient } from '../../support/ws-client';

const SUB = `subscription($after: String) { ticketChanges(after: $after) { cursor } }`;
const NOW = `{ ticketChangesCursor }`;
const IDLE_POLL_MS = 200;
/** Twenty idle polls: long enough that the polls, not the edges of the window, make the count. */
const WINDOW_MS = 20 * IDLE_POLL_MS;
const SUBSCRIBERS_PER_SOCKET = 20;

/**
 * Security review L-1: 100 idle `ticketChanges` subscriptions took the database from 1.1 to 21.1
 * transactions/s, two queries per subscriber per idle poll. Idle subscribers of one scope now share
 * one poll, so what the database does while they wait must not grow with their number. Measured as
 * PostgreSQL counts it (pg_stat_database: transactions committed in the app's database, read from
 * another database so that reading does not count), over the same window with 0, 1 and 50 subscribers.
 */
describe('idle change feed subscribers', () => {
  let t: TestApp;
  let stats: PgClient;
  let databaseName: string;
  const tenant = randomTenant('idle');

  beforeAll(async () => {
    t = await startTestApp();
    t.app.get(TicketChangesService).streamTimings = { pageSize: 100, pendingPollMs: 20, maxPendingPollMs: 100, idlePollMs: IDLE_POLL_MS };
    const ds = t.app.get(DataSource);
    const connectorId = randomUUID();
    await seedConnector(ds, connectorId, tenant);
    for (const id of ['1', '2', '3'])
      await ds.transaction((m) => writeTicketVersion(m, t.app.get(TicketChangeRecorder), { tenantId: tenant, connectorId }, id, `v-${id}`));
    databaseName = new URL(t.databaseUrl).pathname.slice(1);
    stats = new PgClient({ connectionString: process.env.TEST_DATABASE_URL });
    await stats.connect();
  });
  afterAll(async () => {
    await stats?.end();
    await t?.close();
  });

  const transactions = async (): Promise<number> => {
    const { rows } = await stats.query(`SELECT (xact_commit + xact_rollback)::int AS n FROM pg_stat_database WHERE datname = $1`, [
      databaseName,
    ]);
    return rows[0].n;
  };

  /** Opens `n` subscriptions, half from the beginning and half from "now" (so at different positions), and waits until all are idle. */
  async function subscribe(n: number): Promise<() => Promise<void>> {
    const token = t.token(tenant, 'reader');
    const sockets: WsClient[] = [];
    const replayed: number[] = [];
    const errors: unknown[] = [];
    for (let i = 0; i < n; i++) {
      if (i % SUBSCRIBERS_PER_SOCKET === 0) sockets.push(wsClient(t.url, `Bearer ${token}`));
      const after = i % 2 ? (await t.gql(NOW, {}, token)).data.ticketChangesCursor : null;
      replayed.push(0);
      sockets[sockets.length - 1].subscribe(
        { query: SUB, variables: { after } },
        { next: (v) => (v.errors ? errors.push(...v.errors) : replayed[i]++), error: (e) => errors.push(e), complete: () => undefined },
      );
    }
    const deadline = Date.now() + 30_000;
    const ready = () => t.app.get(TicketChangeHub).openStreams(tenant) === n && replayed.every((r, i) => (i % 2 ? r === 0 : r === 3));
    while (!ready() && Date.now() < deadline) await sleep(20);
    expect({ errors, ready: ready() }).toEqual({ errors: [], ready: true });
    return async () => {
      for (const s of sockets) await s.dispose();
      while (t.app.get(TicketChangeHub).openStreams(tenant) > 0) await sleep(20);
    };
  }

  /** Transactions the app's database committed during the window, with `n` idle subscribers. */
  async function idleCost(n: number): Promise<number> {
    const close = await subscribe(n);
    // Past the start-up reads, and past the delay with which backends report their counts (about 1 s).
    await sleep(1_500);
    const before = await transactions();
    await sleep(WINDOW_MS);
    const cost = (await transactions()) - before;
    await close();
    return cost;
  }

  it('costs the database the same with 50 idle subscribers as with 1', async () => {
    const none = await idleCost(0);
    const one = await idleCost(1);
    const fifty = await idleCost(50);
    // The meter works: one subscriber's polls show (twenty idle polls in the window)...
    expect(one - none).toBeGreaterThanOrEqual(10);
    // ...and fifty cost less than twice what one does, the difference being when backends report their
    // counts at the window's edges. Growing with the subscribers, it was 2 x 50 x 20 = 2,000 more.
    expect(fifty - none).toBeLessThan(2 * (one - none));
  });
});
