import { GorgiasSimulator } from '../../gorgias-simulator';
import { useSyncingApp } from '../../support/syncing-app';
import { createAndActivate, waitForRun } from '../../support/sync-helpers';
import { TestApp } from '../../support/test-app';
import { differences, verify } from '../../support/verify-helpers';

const EMAIL = 'admin@verify-quarantine.test';
const KEY = 'verify-quarantine-key-0123456789';

describe('verification: records PostgreSQL refuses are their own count, with the reason', () => {
  const app = useSyncingApp('verify-quarantine', { VERIFY_EVERY_HOURS: '0', VERIFY_BUDGET_SHARE: '1' });
  let sim: GorgiasSimulator;
  let t: TestApp;
  let admin: string;
  beforeAll(() => ({ sim, t, admin } = app));

  const control = (path: string, body: string) =>
    fetch(`${sim.baseUrl}/__control/verifyq/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
      async (r) => {
        if (r.status >= 300) throw new Error(`${path}: ${r.status} ${await r.text()}`);
        return (await r.json()) as { id: number };
      },
    );

  it('a ticket the sync quarantined is reported as quarantined (not missing), named with its reason, and never repaired', async () => {
    sim.addAccount({ subdomain: 'verifyq', email: EMAIL, apiKey: KEY, seed: 7, tickets: 30, messagesPerTicket: 2 });
    // A date PostgreSQL cannot read: the sync quarantines it.
    const bad = await control('tickets', JSON.stringify({ subject: 'Bad date', opened_datetime: 'the day before yesterday' }));
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'verifyq' });
    expect(await waitForRun(t, admin, id)).toMatchObject({ status: 'SUCCEEDED' });

    for (const repair of [false, true]) {
      const v = await verify((q, vars, tok) => t.gql(q, vars, tok), admin, id, { repair });
      expect(v).toMatchObject({ status: 'SUCCEEDED', quarantined: 1, ticketsMissing: 0, repaired: 0, ticketsChecked: 31 });
      expect(differences(v)).toBe(0);
      expect(v.quarantinedRecords).toEqual([{ object: 'ticket', externalId: String(bad.id), reason: expect.stringMatching(/date|time/i) }]);
    }
  });
});
