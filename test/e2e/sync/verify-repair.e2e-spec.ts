import { Client } from 'pg';
import { VerificationHistoryPruner } from '../../../src/sync/verification/verification-history.pruner';
import { GorgiasSimulator } from '../../gorgias-simulator';
import { useSyncingApp } from '../../support/syncing-app';
import { createAndActivate, waitForRun, withDb } from '../../support/sync-helpers';
import { TestApp } from '../../support/test-app';
import { differences, insertTicketCopy, RESYNC, storedRow, verify, VERIFICATIONS, VERIFY } from '../../support/verify-helpers';

const EMAIL = 'admin@verify.test';
const KEY = 'verify-key-0123456789';
const TICKETS = 120;
const MESSAGES = 450;
/** One call per 100 of each list: the bound a verification of everything keeps to. */
const CALL_BOUND = Math.ceil(TICKETS / 100) + Math.ceil(MESSAGES / 100);
const GHOST = '987654321';

/** Stored messages, one query at a time on the one client. */
async function rowsOf(c: Client, connectorId: string, ids: string[]) {
  const out = [];
  for (const id of ids) out.push(await storedRow(c, 'messages', connectorId, id));
  return out;
}

/**
 * The messages `GET /api/messages` lists: the simulator leaves out those of trashed tickets (the worst case
 * docs/gorgias-api.md assumes), so a verification compares those (docs/operations.md says so).
 */
function listedMessages(snap: {
  tickets: { id: number; trashed_datetime?: string | null }[];
  messages: { ticket_id: number; created_datetime: string }[];
}) {
  const trashed = new Set(snap.tickets.filter((x) => x.trashed_datetime).map((x) => x.id));
  return snap.messages.filter((m) => !trashed.has(m.ticket_id));
}

describe('verifyConnector: counts what differs, repairs it through the sync write path, resyncTicket', () => {
  // No scheduled verification here (it would be the active one), and the whole budget for speed.
  const app = useSyncingApp('verify', { VERIFY_EVERY_HOURS: '0', VERIFY_BUDGET_SHARE: '1' });
  let sim: GorgiasSimulator;
  let t: TestApp;
  let admin: string;
  let connectorId: string;
  let listed: number;
  let acct: ReturnType<GorgiasSimulator['addAccount']>;
  const gql = (q: string, v: Record<string, unknown>, token: string) => t.gql(q, v, token);
  const db = <T>(fn: (c: Client) => Promise<T>) => withDb(t.databaseUrl, fn);

  beforeAll(async () => {
    ({ sim, t, admin } = app);
    acct = sim.addAccount({ subdomain: 'verify', email: EMAIL, apiKey: KEY, seed: 25, tickets: TICKETS, messages: MESSAGES });
    connectorId = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'verify' });
    expect(await waitForRun(t, admin, connectorId)).toMatchObject({ status: 'SUCCEEDED' });
    listed = listedMessages(acct.snapshot()).length;
    expect(listed).toBeGreaterThan(MESSAGES - 20); // a few trashed tickets, not the bulk
  });

  it('a fresh sync verifies with 0 differences, every record compared, in exactly one call per 100 records', async () => {
    const v = await verify(gql, admin, connectorId, { repair: false });
    expect(v).toMatchObject({ status: 'SUCCEEDED', ticketsChecked: TICKETS, messagesChecked: listed, repaired: 0, quarantined: 0 });
    expect(differences(v)).toBe(0);
    expect(v.apiRequests).toBe(CALL_BOUND);
  });

  it('damage behind the API: repair:false counts each kind and writes nothing; repair restores the exact rows; then 0', async () => {
    const snap = acct.snapshot();
    const live = snap.tickets.filter((x) => !x.trashed_datetime);
    const [stale, withMessage, gone, template] = live.slice(10, 14).map((x) => String(x.id));
    const lostMessage = String(snap.messages.find((m) => String(m.ticket_id) === withMessage)!.id);
    const goneMessages = snap.messages.filter((m) => String(m.ticket_id) === gone).map((m) => String(m.id));
    const before = await db(async (c) => ({
      stale: await storedRow(c, 'tickets', connectorId, stale),
      gone: await storedRow(c, 'tickets', connectorId, gone),
      message: await storedRow(c, 'messages', connectorId, lostMessage),
      goneMessages: await rowsOf(c, connectorId, goneMessages),
    }));
    await db(async (c) => {
      await c.query(`UPDATE tickets SET subject = 'damaged behind the API' WHERE connector_id = $1 AND external_id = $2`, [
        connectorId,
        stale,
      ]);
      await c.query(`DELETE FROM messages WHERE connector_id = $1 AND external_id = $2`, [connectorId, lostMessage]);
      await c.query(`DELETE FROM messages WHERE connector_id = $1 AND ticket_external_id = $2`, [connectorId, gone]);
      await c.query(`DELETE FROM tickets WHERE connector_id = $1 AND external_id = $2`, [connectorId, gone]);
      await insertTicketCopy(c, connectorId, template, GHOST);
    });
    const feedBefore = await db(
      async (c) => (await c.query(`SELECT count(*)::int AS n FROM ticket_changes WHERE connector_id = $1`, [connectorId])).rows[0].n,
    );
    const expected = {
      status: 'SUCCEEDED',
      ticketsChecked: TICKETS,
      ticketsMissing: 1,
      ticketsStale: 1,
      ticketsExtra: 1,
      messagesChecked: listed,
      messagesMissing: 1 + goneMessages.length,
      messagesStale: 0,
      quarantined: 0,
    };

    const counted = await verify(gql, admin, connectorId, { repair: false });
    expect(counted).toMatchObject({ ...expected, repair: false, repaired: 0 });
    expect(counted.apiRequests).toBe(CALL_BOUND);
    const kinds = new Map(counted.differences.map((d: any) => [`${d.object} ${d.externalId}`, d]));
    expect(kinds.get(`ticket ${stale}`)).toMatchObject({ kind: 'stale', fields: ['subject'] });
    expect(kinds.get(`ticket ${gone}`)).toMatchObject({ kind: 'missing' });
    expect(kinds.get(`ticket ${GHOST}`)).toMatchObject({ kind: 'extra' });
    expect(kinds.get(`message ${lostMessage}`)).toMatchObject({ kind: 'missing' });
    // Nothing written: the damage is all still there, and the feed did not move.
    await db(async (c) => {
      expect((await storedRow(c, 'tickets', connectorId, stale)).subject).toBe('damaged behind the API');
      expect(await storedRow(c, 'tickets', connectorId, gone)).toBeNull();
      expect(await storedRow(c, 'messages', connectorId, lostMessage)).toBeNull();
      expect((await storedRow(c, 'tickets', connectorId, GHOST)).deleted_at).toBeNull();
      expect((await c.query(`SELECT count(*)::int AS n FROM ticket_changes WHERE connector_id = $1`, [connectorId])).rows[0].n).toBe(
        feedBefore,
      );
    });

    const repaired = await verify(gql, admin, connectorId, { repair: true });
    expect(repaired).toMatchObject({ ...expected, repair: true });
    // stale ticket, gone ticket, its messages, the lost message, the ghost deleted (its messages: none).
    expect(repaired.repaired).toBe(1 + 1 + goneMessages.length + 1 + 1);
    // The same calls, plus one read of the extra ticket (a 404 says Gorgias has none).
    expect(repaired.apiRequests).toBe(CALL_BOUND + 1);
    await db(async (c) => {
      expect(await storedRow(c, 'tickets', connectorId, stale)).toEqual(before.stale);
      expect(await storedRow(c, 'tickets', connectorId, gone)).toEqual(before.gone);
      expect(await storedRow(c, 'messages', connectorId, lostMessage)).toEqual(before.message);
      for (const [i, m] of goneMessages.entries()) expect(await storedRow(c, 'messages', connectorId, m)).toEqual(before.goneMessages[i]);
      expect((await storedRow(c, 'tickets', connectorId, GHOST)).deleted_at).not.toBeNull();
      // The change feed saw every repaired ticket, as it sees a sync's pages.
      const { rows } = await c.query(`SELECT ticket_external_id::text AS id FROM ticket_changes WHERE connector_id = $1`, [connectorId]);
      expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining([stale, withMessage, gone, GHOST]));
    });

    const again = await verify(gql, admin, connectorId, { repair: true });
    expect(again).toMatchObject({ status: 'SUCCEEDED', ticketsChecked: TICKETS, messagesChecked: listed, repaired: 0 });
    expect(differences(again)).toBe(0);
    expect(again.apiRequests).toBe(CALL_BOUND);

    // The report list, newest first.
    const list = (await gql(VERIFICATIONS, { id: connectorId, first: 2 }, admin)).data.syncVerifications;
    expect(list.nodes.map((n: any) => n.id)).toEqual([again.id, repaired.id]);
    expect(list.pageInfo.hasNextPage).toBe(true);
  });

  it('a customer changed behind the API makes the ticket showing it stale (customer.name); repair restores the row', async () => {
    const snap = acct.snapshot();
    const carried = new Map<number, number[]>();
    for (const x of snap.tickets) if (x.customer) carried.set(x.customer.id, [...(carried.get(x.customer.id) ?? []), x.id]);
    const [customerId, [ticketId]] = [...carried].find(([, ids]) => ids.length === 1)!;
    const customerRow = (c: Client) =>
      c
        .query(
          `SELECT to_jsonb(x) - ARRAY['updated_at', 'synced_at'] AS row FROM customers x WHERE connector_id = $1 AND external_id = $2`,
          [connectorId, customerId],
        )
        .then((r) => r.rows[0]?.row);
    const before = await db(customerRow);
    await db((c) =>
      c.query(`UPDATE customers SET name = 'renamed behind the API' WHERE connector_id = $1 AND external_id = $2`, [
        connectorId,
        customerId,
      ]),
    );

    const counted = await verify(gql, admin, connectorId, { repair: false });
    expect(counted).toMatchObject({ status: 'SUCCEEDED', ticketsStale: 1, ticketsMissing: 0, ticketsExtra: 0, repaired: 0 });
    expect(counted.differences).toEqual([
      expect.objectContaining({ object: 'ticket', externalId: String(ticketId), kind: 'stale', fields: ['customer.name'] }),
    ]);
    expect((await db(customerRow)).name).toBe('renamed behind the API');

    const repaired = await verify(gql, admin, connectorId, { repair: true });
    expect(repaired).toMatchObject({ status: 'SUCCEEDED', ticketsStale: 1, repaired: 1 });
    expect(await db(customerRow)).toEqual(before);
    const shown = await gql(
      `query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) { customer { name } } }`,
      { c: connectorId, e: String(ticketId) },
      admin,
    );
    expect(shown.data.ticketByExternalId.customer.name).toBe(before.name);
    expect(differences(await verify(gql, admin, connectorId, { repair: false }))).toBe(0);
  });

  it('a window of created_datetime compares only the tickets and messages created in it', async () => {
    const snap = acct.snapshot();
    const created = snap.tickets.map((x) => Date.parse(x.created_datetime)).sort((a, b) => a - b);
    const from = new Date(created[30]);
    const to = new Date(created[79]);
    const inWindow = (d: string) => Date.parse(d) >= from.getTime() && Date.parse(d) <= to.getTime();
    const v = await verify(gql, admin, connectorId, { repair: false, from: from.toISOString(), to: to.toISOString() });
    expect(v).toMatchObject({
      status: 'SUCCEEDED',
      ticketsChecked: snap.tickets.filter((x) => inWindow(x.created_datetime)).length,
      messagesChecked: listedMessages(snap).filter((m) => inWindow(m.created_datetime)).length,
    });
    expect(differences(v)).toBe(0);
    const bad = await gql(VERIFY, { id: connectorId, from: to.toISOString(), to: from.toISOString() }, admin);
    expect(bad.errors[0].message).toMatch(/from must not be after to/);
  });

  it('resyncTicket re-reads one ticket now; null when Gorgias has none, which is then deleted here', async () => {
    const [keep, drop] = acct
      .snapshot()
      .tickets.filter((x) => !x.trashed_datetime)
      .slice(20, 22);
    await withDb(t.databaseUrl, (c) =>
      c.query(`UPDATE tickets SET subject = 'wrong' WHERE connector_id = $1 AND external_id = $2`, [connectorId, keep.id]),
    );
    const kept = await gql(RESYNC, { id: connectorId, ext: String(keep.id) }, admin);
    expect(kept.data.resyncTicket).toEqual({ externalId: String(keep.id), subject: keep.subject, deletedAt: null });

    acct.deleteTicket(drop.id);
    const dropped = await gql(RESYNC, { id: connectorId, ext: String(drop.id) }, admin);
    expect(dropped.errors).toBeUndefined();
    expect(dropped.data.resyncTicket).toBeNull();
    expect((await db((c) => storedRow(c, 'tickets', connectorId, String(drop.id)))).deleted_at).not.toBeNull();
  });

  it('reports older than SYNC_HISTORY_RETENTION_DAYS are pruned; the latest of the connector stays', async () => {
    const all = (await gql(VERIFICATIONS, { id: connectorId, first: 50 }, admin)).data.syncVerifications;
    expect(all.totalCount).toBeGreaterThan(3);
    const [newest] = all.nodes;
    await db((c) =>
      c.query(`UPDATE sync_verifications SET finished_at = finished_at - interval '400 days' WHERE connector_id = $1`, [connectorId]),
    );
    expect(await t.app.get(VerificationHistoryPruner).prune()).toBe(all.totalCount - 1);
    const left = (await gql(VERIFICATIONS, { id: connectorId }, admin)).data.syncVerifications;
    expect(left.nodes.map((n: any) => n.id)).toEqual([newest.id]);
  });

  it('only admins verify and re-sync; readers read; another tenant sees nothing', async () => {
    const reader = t.token(app.tenant, 'reader');
    const denied = await gql(VERIFY, { id: connectorId }, reader);
    expect(denied.errors[0].extensions.code).toBe('FORBIDDEN');
    const deniedResync = await gql(RESYNC, { id: connectorId, ext: '1' }, reader);
    expect(deniedResync.errors[0].extensions.code).toBe('FORBIDDEN');
    const read = await gql(VERIFICATIONS, { id: connectorId }, reader);
    expect(read.data.syncVerifications.totalCount).toBeGreaterThan(0);

    const other = t.token(`${app.tenant}-other`, 'admin');
    expect((await gql(VERIFY, { id: connectorId }, other)).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await gql(RESYNC, { id: connectorId, ext: '1' }, other)).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await gql(VERIFICATIONS, { id: connectorId }, other)).errors[0].extensions.code).toBe('NOT_FOUND');
    const mine = read.data.syncVerifications.nodes[0].id;
    const theirs = await gql(`query($id: ID!) { syncVerification(id: $id) { id } }`, { id: mine }, other);
    expect(theirs.data.syncVerification).toBeNull();
  });
});
