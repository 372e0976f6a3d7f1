import { GorgiasSimulator } from '../../gorgias-simulator';
import { TestApp } from '../../support/test-app';
import { useSyncingApp } from '../../support/syncing-app';
import { createAndActivate, TRIGGER, waitForRun } from '../../support/sync-helpers';

const EMAIL = 'admin@counts.test';
const KEY = 'counts-key-0123456789';
const RUN_FIELDS = 'id status ticketsSynced messagesSynced ticketsRead messagesRead ticketsDeleted changed';
const RUNS = `query($id: ID!, $quiet: Boolean) { syncRuns(connectorId: $id, first: 50, includeQuiet: $quiet) { totalCount nodes { ${RUN_FIELDS} } } }`;

describe('run counts say what changed, and quiet runs can be left out of the history', () => {
  const app = useSyncingApp('counts');
  let sim: GorgiasSimulator;
  let t: TestApp;
  let admin: string;
  beforeAll(() => ({ sim, t, admin } = app));

  const runOf = async (id: string, runId: string) => {
    await waitForRun(t, admin, id, runId);
    return (await t.gql(RUNS, { id }, admin)).data.syncRuns.nodes.find((r: { id: string }) => r.id === runId);
  };
  const trigger = async (id: string) => (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id as string;

  it('a quiet poll reports 0 changed (what it re-read apart), and a real change reports exactly it', async () => {
    const acct = sim.addAccount({ subdomain: 'counts', email: EMAIL, apiKey: KEY, seed: 41, tickets: 20, messagesPerTicket: 2 });
    // Fresh records: inside the overlap window that every incremental run reads again.
    const fresh = acct.createTicket({ subject: 'fresh' });
    acct.addMessage(fresh.id, { body_text: 'hello' });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'counts' });
    const initial = await waitForRun(t, admin, id);
    expect(initial).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 21 });

    const quiet = await runOf(id, await trigger(id));
    expect(quiet).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 0, messagesSynced: 0, ticketsDeleted: 0, changed: false });
    // It did re-read the overlap window: that is reading, not syncing.
    expect(quiet.ticketsRead).toBeGreaterThanOrEqual(1);
    expect(quiet.messagesRead).toBeGreaterThanOrEqual(1);

    const [a, b] = acct.snapshot().tickets.filter((x: { id: number }) => x.id !== fresh.id);
    acct.updateTicket(a.id, { status: a.status === 'closed' ? 'open' : 'closed' });
    acct.addMessage(b.id, { body_text: 'a new reply' });
    const real = await runOf(id, await trigger(id));
    expect(real).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 2, messagesSynced: 1, ticketsDeleted: 0, changed: true });

    const logs = await t.gql(
      `query($id: ID!, $run: ID) { syncLogs(connectorId: $id, runId: $run, first: 20) { nodes { message } } }`,
      { id, run: quiet.id },
      admin,
    );
    const quietLines = logs.data.syncLogs.nodes.map((n: { message: string }) => n.message);
    expect(quietLines).toContainEqual(expect.stringMatching(/^Sync succeeded: nothing changed \(read \d+ tickets and \d+ messages\)/));
    const realLines = (
      await t.gql(
        `query($id: ID!, $run: ID) { syncLogs(connectorId: $id, runId: $run) { nodes { message } } }`,
        { id, run: real.id },
        admin,
      )
    ).data.syncLogs.nodes.map((n: { message: string }) => n.message);
    expect(realLines).toContainEqual(expect.stringMatching(/^Sync succeeded: 2 tickets and 1 messages new or changed, 0 deleted \(read /));

    // The history without quiet runs: the initial and the real change only, newest first.
    const eventful = (await t.gql(RUNS, { id, quiet: false }, admin)).data.syncRuns;
    expect(eventful.nodes.map((r: { id: string }) => r.id)).toEqual([real.id, initial.id]);
    expect(eventful.totalCount).toBe(2);
    expect((await t.gql(RUNS, { id }, admin)).data.syncRuns.totalCount).toBe(3);
  });
});
