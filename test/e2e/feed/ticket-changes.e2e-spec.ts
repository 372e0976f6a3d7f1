import { randomUUID } from 'node:crypto';
import { Client as WsClient } from 'graphql-ws';
import { DataSource } from 'typeorm';
import { TicketChangeRecorder } from '../../../src/tickets/changes/ticket-change.recorder';
import { TicketChangeHub } from '../../../src/tickets/changes/ticket-change.hub';
import { TicketChangesService } from '../../../src/tickets/changes/ticket-changes.service';
import { positionOf, seedConnector, sleep, writeTicketVersion } from '../../support/feed-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';
import { wsClient } from '../../support/ws-client';
import { eventually } from '../../support/poll';

/**
 * The change feed's API: order and cursors, a ticket once at its latest change, tombstones, the
 * horizon (a change is shown only once no older transaction can still commit), "from now",
 * tenant scoping and input errors; the subscription's replay-then-live and its release on unsubscribe.
 */
const PAGE = `query($c: ID, $after: String, $first: Int) {
  ticketChanges(connectorId: $c, after: $after, first: $first) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { cursor changedAt ticket { externalId subject messagesCount deletedAt trashedAt connectorId } }
  }
}`;
const NOW = `query($c: ID) { ticketChangesCursor(connectorId: $c) }`;
const SUB = `subscription($c: ID, $after: String) { ticketChanges(connectorId: $c, after: $after) { cursor ticket { externalId subject customer { email } messages(first: 1) { totalCount } } } }`;

describe('ticket change feed', () => {
  let t: TestApp;
  let ds: DataSource;
  let recorder: TicketChangeRecorder;
  const tenant = randomTenant('feed');
  const other = randomTenant('other');
  const c1 = randomUUID();
  const c2 = randomUUID();
  const otherConnector = randomUUID();
  let reader: string;

  const write = (connectorId: string, externalId: string, token: string, extra?: { trashed?: boolean; deleted?: boolean }) =>
    ds.transaction((m) =>
      writeTicketVersion(m, recorder, { tenantId: connectorId === otherConnector ? other : tenant, connectorId }, externalId, token, extra),
    );

  async function readAll(after?: string | null, connectorId?: string, first = 3) {
    const nodes: any[] = [];
    for (;;) {
      const res = await t.gql(PAGE, { c: connectorId, after, first }, reader);
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      nodes.push(...res.data.ticketChanges.nodes);
      if (!res.data.ticketChanges.pageInfo.hasNextPage) return { nodes, end: res.data.ticketChanges.pageInfo.endCursor ?? after };
      after = res.data.ticketChanges.pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    recorder = t.app.get(TicketChangeRecorder);
    t.app.get(TicketChangesService).streamTimings = { pageSize: 100, pendingPollMs: 20, maxPendingPollMs: 100, idlePollMs: 500 };
    reader = t.token(tenant, 'reader');
    await seedConnector(ds, c1, tenant);
    await seedConnector(ds, c2, tenant);
    await seedConnector(ds, otherConnector, other);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('lists each ticket once, at its latest change, with its current state; pages continue exactly', async () => {
    for (const id of ['1', '2', '3', '4']) await write(c1, id, `v1-${id}`);
    await write(c2, '9', 'v1-9');
    await write(c1, '2', 'v2-2'); // ticket 2 moves to the end
    await write(otherConnector, '1', 'secret');
    const all = await readAll(null, undefined, 2);
    expect(all.nodes.map((n) => n.ticket.subject)).toEqual(['v1-1', 'v1-3', 'v1-4', 'v1-9', 'v2-2']);
    expect(all.nodes.find((n) => n.ticket.subject === 'v2-2').ticket.messagesCount).toBe(2);
    const one = await readAll(null, c1, 100);
    expect(one.nodes.map((n) => n.ticket.subject)).toEqual(['v1-1', 'v1-3', 'v1-4', 'v2-2']);
    const counted = await t.gql(PAGE, { c: c1, first: 1 }, reader);
    expect(counted.data.ticketChanges.totalCount).toBe(4);

    // From the end of that read, only what changes next.
    await write(c1, '3', 'v2-3', { trashed: true });
    await write(c1, '4', 'v2-4', { deleted: true });
    const next = await readAll(all.end);
    expect(next.nodes.map((n) => n.ticket.subject)).toEqual(['v2-3', 'v2-4']);
    expect(next.nodes[0].ticket.trashedAt).not.toBeNull();
    expect(next.nodes[1].ticket.deletedAt).not.toBeNull();
    expect((await readAll(next.end)).nodes).toEqual([]);
  });

  it('never shows a rolled-back change', async () => {
    const { end } = await readAll(null);
    await expect(
      ds.transaction(async (m) => {
        await writeTicketVersion(m, recorder, { tenantId: tenant, connectorId: c1 }, '1', 'rolled-back');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect((await readAll(end)).nodes).toEqual([]);
    expect((await readAll(null)).nodes.map((n) => n.ticket.subject)).not.toContain('rolled-back');
  });

  it('holds back a committed change while an older transaction can still commit before it', async () => {
    const { end } = await readAll(null);
    const older = ds.createQueryRunner();
    await older.connect();
    await older.startTransaction();
    try {
      // The older transaction takes its id (and a feed position) first...
      await writeTicketVersion(older.manager, recorder, { tenantId: tenant, connectorId: c1 }, '1', 'older');
      // ...a younger one commits meanwhile: showing it now would let a reader pass the older one's position.
      await write(c1, '2', 'younger');
      expect((await readAll(end)).nodes).toEqual([]);
      await older.commitTransaction();
    } finally {
      await older.release();
    }
    expect((await readAll(end)).nodes.map((n) => n.ticket.subject)).toEqual(['older', 'younger']);
  });

  it('ticketChangesCursor starts from now: history is skipped, the next change is not', async () => {
    const now = (await t.gql(NOW, { c: c1 }, reader)).data.ticketChangesCursor;
    expect((await readAll(now, c1)).nodes).toEqual([]);
    await write(c1, '1', 'after-now');
    expect((await readAll(now, c1)).nodes.map((n) => n.ticket.subject)).toEqual(['after-now']);
  });

  it('is scoped to the tenant and refuses bad input with the field and the fix', async () => {
    const mine = await readAll(null);
    expect(mine.nodes.every((n) => n.ticket.connectorId !== otherConnector)).toBe(true);
    const foreign = await t.gql(PAGE, { c: otherConnector }, reader);
    expect(foreign.errors[0].extensions.code).toBe('NOT_FOUND');
    const badCursor = await t.gql(PAGE, { after: 'not-a-cursor' }, reader);
    expect(badCursor.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(badCursor.errors[0].message).toMatch(/^after: not a valid change feed cursor/);
    const forged = await t.gql(PAGE, { after: legacyCursor('-1', '1') }, reader);
    expect(forged.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const tooMany = await t.gql(PAGE, { first: 101 }, reader);
    expect(tooMany.errors[0].message).toMatch(/first: must be between 1 and 100/);
    const badId = await t.gql(NOW, { c: 'nope' }, reader);
    expect(badId.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect((await t.gql(NOW, {}, null)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it("cursors do not show the database's transaction ids, and another tenant's cursor is refused", async () => {
    await write(c1, '1', 'sealed');
    const now = (await t.gql(NOW, {}, reader)).data.ticketChangesCursor;
    const last = (await readAll(null)).end;
    for (const cursor of [now, last]) {
      // The first format was base64url JSON carrying the xid ({"k":"tc1","x":"1042",...}).
      const [xid] = (await ds.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x`)).map((r: any) => r.x);
      const inside = Buffer.from(cursor, 'base64url').toString('latin1');
      expect(inside).not.toMatch(/"x"|tc1/);
      expect(inside).not.toContain(xid);
    }
    const foreignReader = t.token(other, 'reader');
    for (const cursor of [now, last]) {
      const foreign = await t.gql(PAGE, { after: cursor }, foreignReader);
      expect(foreign.errors[0].extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
      expect(foreign.errors[0].message).toMatch(/^after: not a valid change feed cursor for your tenant/);
    }
    // A cursor of the first format is still read, during the transition, at the position it names.
    const p = positionOf(last, tenant);
    await write(c1, '2', 'after-legacy');
    expect((await readAll(legacyCursor(p.xactId, p.seq))).nodes.map((n) => n.ticket.subject)).toEqual(['after-legacy']);
  });

  describe('subscription', () => {
    let ws: WsClient;
    beforeAll(() => {
      ws = wsClient(t.url, `Bearer ${reader}`);
    });
    afterAll(async () => {
      await ws?.dispose();
    });

    it('replays after the cursor, then streams live in the same order, and releases everything on unsubscribe', async () => {
      const start = (await readAll(null, c2)).end;
      await write(c2, '20', 'replayed');
      const received: any[] = [];
      const errors: unknown[] = [];
      const hub = t.app.get(TicketChangeHub);
      const openBefore = hub.openStreams(tenant);
      const stop = ws.subscribe(
        { query: SUB, variables: { c: c2, after: start } },
        {
          next: (v) => (v.errors ? errors.push(...v.errors) : received.push(v.data!.ticketChanges)),
          error: (e) => errors.push(e),
          complete: () => undefined,
        },
      );
      await waitFor(() => received.length >= 1);
      await write(c2, '21', 'live-1');
      await write(c2, '20', 'live-2');
      await write(c1, '1', 'other-connector');
      await waitFor(() => received.length >= 3);
      await sleep(300);
      expect(errors).toEqual([]);
      expect(received.map((r) => r.ticket.subject)).toEqual(['replayed', 'live-1', 'live-2']);
      expect(hub.openStreams(tenant)).toBe(openBefore + 1);
      stop();
      await waitFor(() => hub.openStreams(tenant) === openBefore);
    });

    it("refuses another tenant's connector and a malformed cursor", async () => {
      const res = await new Promise<unknown[]>((resolve) => {
        const errors: unknown[] = [];
        ws.subscribe(
          { query: SUB, variables: { after: 'garbage' } },
          { next: (v) => errors.push(...(v.errors ?? [])), error: (e) => resolve([e]), complete: () => resolve(errors) },
        );
      });
      expect(JSON.stringify(res)).toMatch(/BAD_USER_INPUT/);
      const foreign = await new Promise<unknown[]>((resolve) => {
        const errors: unknown[] = [];
        ws.subscribe(
          { query: SUB, variables: { c: otherConnector } },
          { next: (v) => errors.push(...(v.errors ?? [])), error: (e) => resolve([e]), complete: () => resolve(errors) },
        );
      });
      expect(JSON.stringify(foreign)).toMatch(/NOT_FOUND/);
    });
  });
});

/** A cursor of the first, readable format (accepted during the transition, never produced). */
const legacyCursor = (x: string, s: string) => Buffer.from(JSON.stringify({ k: 'tc1', x, s })).toString('base64url');

/** The shared poller, checking often: the conditions here are in-process counters. */
const waitFor = (ok: () => boolean) => eventually(ok, { what: 'the condition', timeoutMs: 15_000, intervalMs: 20 });
