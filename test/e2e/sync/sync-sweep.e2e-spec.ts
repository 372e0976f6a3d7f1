import { GorgiasSimulator } from '../../gorgias-simulator';
import { TestApp } from '../../support/test-app';
import { useSyncingApp } from '../../support/syncing-app';
import { createAndActivate, diffAgainstGorgias, storedData, TRIGGER, waitForRun } from '../../support/sync-helpers';

const EMAIL = 'admin@sweep.test';
const KEY = 'sweep-key-0123456789';

describe('FULL sweep on an account whose ticket count is a multiple of 100', () => {
  const app = useSyncingApp('sweep');
  let sim: GorgiasSimulator;
  let t: TestApp;
  let admin: string;
  beforeAll(() => ({ sim, t, admin } = app));

  it('200 tickets: a ticket that vanished without an event is marked deleted, and no run logs a WARN', async () => {
    const acct = sim.addAccount({ subdomain: 'hundreds', email: EMAIL, apiKey: KEY, seed: 31, tickets: 200, messagesPerTicket: 1 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'hundreds' });
    expect(await waitForRun(t, admin, id)).toMatchObject({ status: 'SUCCEEDED', ticketsSynced: 200 });

    const victim = acct.snapshot().tickets[150];
    acct.deleteTicket(victim.id, { recordEvent: false });
    const full = (await t.gql(TRIGGER, { id, mode: 'FULL' }, admin)).data.triggerSync.id;
    const run = await waitForRun(t, admin, id, full);
    expect(run).toMatchObject({ status: 'SUCCEEDED', mode: 'FULL', ticketsDeleted: 1 });
    expect(diffAgainstGorgias({ ...acct.snapshot(), deletedTicketIds: [victim.id] }, await storedData(t.databaseUrl, id))).toEqual([]);

    const logs = await t.gql(`query($id: ID!) { syncLogs(connectorId: $id, first: 100) { nodes { level message } } }`, { id }, admin);
    const lines: { level: string; message: string }[] = logs.data.syncLogs.nodes;
    expect(lines.filter((l) => l.level !== 'INFO')).toEqual([]);
    expect(lines.map((l) => l.message)).toContain('1 tickets no longer in Gorgias were marked deleted.');
  });
});
