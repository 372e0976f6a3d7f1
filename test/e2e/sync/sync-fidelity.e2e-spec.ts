import { GorgiasSimulator, SimAccount, WORST_CASE } from '../../gorgias-simulator';
import { TestApp } from '../../support/test-app';
import { useSyncingApp } from '../../support/syncing-app';
import { createAndActivate, diffAgainstGorgias, storedData, TRIGGER, waitForRun } from '../../support/sync-helpers';

const EMAIL = 'admin@fidelity.test';
const KEY = 'fidelity-key-0123456789';

/** A quiet incremental run: messages page, tickets top + page, one events call. Each changed ticket adds one re-read. */
const QUIET_RUN_CALLS = 4;

const TICKET = `query($c: ID!, $e: ID!) { ticketByExternalId(connectorId: $c, externalId: $e) {
  trashedAt deletedAt updatedAt messagesCount description messages(first: 100) { totalCount nodes { externalId failedAt } } } }`;

/**
 * Issue 12: what Gorgias changes without moving a ticket's updated_datetime (trash, restore, merges,
 * message deletions and updates), against the simulator's worst-case defaults, within the call budget.
 * Calls are counted by the simulator (what the account's rate limit sees), and must match the run's own count.
 */
describe('Gorgias fidelity: trash, restore, merges and message changes (worst-case simulator)', () => {
  const app = useSyncingApp('fidelity');
  let sim: GorgiasSimulator;
  let t: TestApp;
  let admin: string;
  beforeAll(() => ({ sim, t, admin } = app));

  async function connect(subdomain: string, seed: number): Promise<{ acct: SimAccount; id: string }> {
    const acct = sim.addAccount({ subdomain, email: EMAIL, apiKey: KEY, seed, tickets: 40 });
    expect(acct.behaviour()).toEqual(WORST_CASE);
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain });
    expect((await waitForRun(t, admin, id)).status).toBe('SUCCEEDED');
    return { acct, id };
  }

  /** Runs one incremental sync; returns the run and the calls the simulator counted for it. */
  async function incremental(acct: SimAccount, id: string): Promise<{ run: any; calls: number }> {
    const before = acct.stats().requests;
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run.status).toBe('SUCCEEDED');
    const calls = acct.stats().requests - before;
    expect(run.apiRequests).toBe(calls);
    return { run, calls };
  }

  async function ticket(id: string, externalId: number): Promise<any> {
    const res = await t.gql(TICKET, { c: id, e: String(externalId) }, admin);
    expect(res.errors).toBeUndefined();
    return res.data.ticketByExternalId;
  }

  /** An old, live ticket with at least `messages` messages (outside any walk's overlap window). */
  function oldTicket(acct: SimAccount, messages: number, skip: number[] = []): any {
    return [...acct.snapshot().tickets]
      .reverse()
      .find((x: any) => !x.trashed_datetime && x.messages_count >= messages && !skip.includes(x.id));
  }

  it('trash then restore show and clear trashedAt after one incremental run each; trash does not move updated_datetime', async () => {
    const { acct, id } = await connect('trash', 31);
    const victim = oldTicket(acct, 2);
    acct.trashTicket(victim.id);
    const trashed: any = acct.snapshot().tickets.find((x: any) => x.id === victim.id);
    expect(trashed.updated_datetime).toBe(victim.updated_datetime);
    expect(trashed.trashed_datetime).toMatch(/\.\d{6}\+00:00$/);

    const first = await incremental(acct, id);
    expect(first.calls).toBeLessThanOrEqual(QUIET_RUN_CALLS + 1);
    let stored = await ticket(id, victim.id);
    expect(new Date(stored.trashedAt).toISOString()).toBe(new Date(trashed.trashed_datetime).toISOString());
    // Its messages stay, although the trash took them out of /api/messages.
    expect(stored.messages.totalCount).toBe(victim.messages_count);
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);

    acct.restoreTicket(victim.id);
    const second = await incremental(acct, id);
    expect(second.calls).toBeLessThanOrEqual(QUIET_RUN_CALLS + 1);
    stored = await ticket(id, victim.id);
    expect(stored).toMatchObject({ trashedAt: null, deletedAt: null, messagesCount: victim.messages_count });
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);

    // Nothing changed since: the events already handled are not handled again.
    const quiet = await incremental(acct, id);
    expect(quiet.calls).toBeLessThanOrEqual(QUIET_RUN_CALLS);
    // The event type filter went through as repeated keys (a refusal would have logged a warning and cost calls).
    const warns = await t.gql(
      `query($id: ID!) { syncLogs(connectorId: $id, level: WARN, first: 50) { nodes { message } } }`,
      { id },
      admin,
    );
    expect(warns.data.syncLogs.nodes).toEqual([]);
    process.stdout.write(`fidelity calls: trash ${first.calls}, restore ${second.calls}, quiet ${quiet.calls}\n`);
  });

  it('a merge leaves the target with every message and the source deleted', async () => {
    const { acct, id } = await connect('merge', 32);
    const target = oldTicket(acct, 2);
    const source = oldTicket(acct, 2, [target.id]);
    const all = acct
      .snapshot()
      .messages.filter((m: any) => m.ticket_id === target.id || m.ticket_id === source.id)
      .map((m: any) => String(m.id));
    acct.mergeTickets(source.id, target.id);

    const { calls } = await incremental(acct, id);
    // The target, and the source its messages came from (404).
    expect(calls).toBeLessThanOrEqual(QUIET_RUN_CALLS + 2);
    const merged = await ticket(id, target.id);
    expect(merged.messages.nodes.map((n: any) => n.externalId).sort()).toEqual(all.sort());
    expect(merged.messagesCount).toBe(all.length);
    expect((await ticket(id, source.id)).deletedAt).not.toBeNull();
    expect(diffAgainstGorgias({ ...acct.snapshot(), deletedTicketIds: [source.id] }, await storedData(t.databaseUrl, id))).toEqual([]);
    process.stdout.write(`fidelity calls: merge ${calls}\n`);
  });

  it('a deleted message disappears, and a message whose failed_datetime is set later shows it', async () => {
    const { acct, id } = await connect('msgs', 33);
    const ticketA = oldTicket(acct, 3);
    const conversation = acct
      .snapshot()
      .messages.filter((m: any) => m.ticket_id === ticketA.id)
      .reverse(); // oldest first
    acct.deleteMessage(ticketA.id, conversation[0].id);
    expect(acct.snapshot().tickets.find((x: any) => x.id === ticketA.id)!.updated_datetime).toBe(ticketA.updated_datetime);

    const deletion = await incremental(acct, id);
    expect(deletion.calls).toBeLessThanOrEqual(QUIET_RUN_CALLS + 1);
    const afterDelete = await ticket(id, ticketA.id);
    expect(afterDelete.messages.nodes.map((n: any) => n.externalId)).not.toContain(String(conversation[0].id));
    expect(afterDelete.messages.totalCount).toBe(conversation.length - 1);
    expect(afterDelete.messagesCount).toBe(conversation.length - 1);
    expect(afterDelete.description).toBe(conversation[1].body_text);

    const ticketB = oldTicket(acct, 1, [ticketA.id]);
    const message = acct.snapshot().messages.find((m: any) => m.ticket_id === ticketB.id)!;
    const failed = acct.updateMessage(ticketB.id, message.id, { failed_datetime: 'now' });
    const failure = await incremental(acct, id);
    expect(failure.calls).toBeLessThanOrEqual(QUIET_RUN_CALLS + 1);
    const shown = (await ticket(id, ticketB.id)).messages.nodes.find((n: any) => n.externalId === String(message.id));
    expect(new Date(shown.failedAt).toISOString()).toBe(new Date(failed.failed_datetime!).toISOString());
    expect(diffAgainstGorgias(acct.snapshot(), await storedData(t.databaseUrl, id))).toEqual([]);
    process.stdout.write(`fidelity calls: message deleted ${deletion.calls}, message failed ${failure.calls}\n`);
  });
});
