import { GorgiasSimulator, SimAccount, startGorgiasSimulator, WORST_CASE } from '../../gorgias-simulator';
import { coverageCalls, feedPosition, gorgiasCoverage, storedCoverage } from '../../support/coverage-helpers';
import { createAndActivate, TRIGGER, waitForRun, withDb } from '../../support/sync-helpers';
import { randomTenant, startTestApp, TestApp } from '../../support/test-app';

const EMAIL = 'admin@surveys.test';
const KEY = 'surveys-key-0123456789';
const REREADS = 5;

/**
 * Issue 24, what has no events in the worst case: satisfaction surveys (sent, then scored days later, with
 * no event and nothing moved) and custom field definitions. The survey look and the definitions' re-read
 * are due on every run here (SYNC_SURVEY_CHECK_SECONDS=0, SYNC_CUSTOM_FIELDS_SECONDS=0); unscored surveys are
 * re-read at most SYNC_SURVEY_REREADS_PER_RUN per run. A record the database refuses is quarantined and the
 * sync goes on.
 */
describe('coverage objects without events: surveys scored later, field definitions, a refused record (worst-case simulator)', () => {
  let sim: GorgiasSimulator;
  let t: TestApp;
  const tenant = randomTenant('surveys');
  let admin: string;

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
    t = await startTestApp({
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        SYNC_SCHEDULER_ENABLED: 'true',
        SYNC_TICK_SECONDS: '1',
        SYNC_SURVEY_CHECK_SECONDS: '0',
        SYNC_CUSTOM_FIELDS_SECONDS: '0',
        SYNC_SURVEY_REREADS_PER_RUN: String(REREADS),
      },
    });
    admin = t.token(tenant, 'admin');
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  async function incremental(acct: SimAccount, id: string): Promise<Record<string, number>> {
    const before = acct.stats();
    const run = await waitForRun(t, admin, id, (await t.gql(TRIGGER, { id }, admin)).data.triggerSync.id);
    expect(run.status).toBe('SUCCEEDED');
    const after = acct.stats();
    return Object.fromEntries(
      Object.entries(after.byRoute)
        .map(([r, n]) => [r, n - (before.byRoute[r] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
  }

  it('stores a survey sent after the initial sync, its score days later, and older surveys scored since; the feed carries their tickets', async () => {
    const acct = sim.addAccount({ subdomain: 'surveys', email: EMAIL, apiKey: KEY, seed: 51, tickets: 120 });
    expect(acct.behaviour()).toEqual(WORST_CASE);
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'surveys' });
    expect((await waitForRun(t, admin, id)).status).toBe('SUCCEEDED');
    const unscored = acct.coverage.snapshot().surveys.filter((s) => s.score === null);
    expect(unscored.length).toBeGreaterThan(REREADS);

    // A survey sent now on a ticket that has none; one sent earlier is answered now (no event, nothing moves).
    const surveyed = new Set(acct.coverage.snapshot().surveys.map((s) => s.ticket_id));
    const ticket = (acct.snapshot().tickets as any[]).find((x) => !surveyed.has(x.id) && !x.trashed_datetime)!;
    const sent = acct.coverage.sendSurvey(ticket.id);
    const answered = unscored[unscored.length - 1];
    acct.coverage.scoreSurvey(answered.id, 2, 'Slow answer.');
    const feedBefore = await feedPosition(t.databaseUrl, id, answered.ticket_id);
    await new Promise((r) => setTimeout(r, 1100)); // the worst case's list lag: the new survey is listed 1 s after sending

    let calls = await incremental(acct, id);
    // One page of the survey list (newest first, down to the last survey seen), at most REREADS unscored surveys by id.
    expect(calls['GET /api/satisfaction-surveys']).toBe(1);
    expect(calls['GET /api/satisfaction-surveys/{id}']).toBeLessThanOrEqual(REREADS);
    let stored = await storedCoverage(t.databaseUrl, id);
    expect(stored.surveys.find((s) => s.id === String(sent.id))).toMatchObject({ ticket: String(ticket.id), score: null });

    // Later runs reach every unscored survey, the longest unread first, REREADS a run.
    for (let i = 0; i < Math.ceil(unscored.length / REREADS) + 1; i++) await incremental(acct, id);
    stored = await storedCoverage(t.databaseUrl, id);
    expect(stored.surveys.find((s) => s.id === String(answered.id))).toMatchObject({ score: 2, body: 'Slow answer.' });
    expect(await feedPosition(t.databaseUrl, id, answered.ticket_id)).not.toBe(feedBefore);

    // The new survey is answered days later (simulated): the next look stores it, and the feed carries its ticket.
    const sentFeed = await feedPosition(t.databaseUrl, id, ticket.id);
    acct.coverage.scoreSurvey(sent.id, 5, 'Great');
    calls = await incremental(acct, id);
    expect(calls['GET /api/satisfaction-surveys/{id}']).toBeLessThanOrEqual(REREADS);
    stored = await storedCoverage(t.databaseUrl, id);
    expect(stored.surveys.find((s) => s.id === String(sent.id))).toMatchObject({ score: 5, body: 'Great' });
    expect(await feedPosition(t.databaseUrl, id, ticket.id)).not.toBe(sentFeed);
    expect(stored.surveys).toEqual(gorgiasCoverage(acct).surveys);
  });

  it('reads custom field definitions again on their schedule (new, archived), and stores a ticket value change as rows', async () => {
    const acct = sim.addAccount({ subdomain: 'fields', email: EMAIL, apiKey: KEY, seed: 52, tickets: 30 });
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'fields' });
    expect((await waitForRun(t, admin, id)).status).toBe('SUCCEEDED');
    const field = acct.coverage.createCustomField({ label: 'Warranty', definition: { data_type: 'boolean' } });
    const old = acct.coverage.snapshot().customFields.find((f) => !f.deactivated_datetime && f.id !== field.id)!;
    acct.coverage.archiveCustomField(old.id);
    const target = (acct.snapshot().tickets as any[])[0];
    acct.coverage.setCustomFields(target.id, { [field.id]: true });
    const feedBefore = await feedPosition(t.databaseUrl, id, target.id);

    const calls = await incremental(acct, id);
    expect(calls['GET /api/custom-fields']).toBe(2); // active and archived, one page each
    const stored = await storedCoverage(t.databaseUrl, id);
    const truth = gorgiasCoverage(acct);
    expect(stored.fields).toEqual(truth.fields);
    expect(stored.fieldValues).toEqual(truth.fieldValues);
    expect(stored.fieldValues).toContain(`${target.id}:${field.id}=true`);
    expect(await feedPosition(t.databaseUrl, id, target.id)).not.toBe(feedBefore);
  });

  it('quarantines a survey the database refuses and stores the rest; the sync succeeds', async () => {
    const acct = sim.addAccount({ subdomain: 'poison', email: EMAIL, apiKey: KEY, seed: 53, tickets: 40 });
    // A survey whose sent time no database could store (hostile content), planted in the simulator's data.
    const bad = acct.coverage.snapshot().surveys[0];
    const planted = (acct as any).store.coverage.surveys.get(bad.id).o;
    planted.sent_datetime = 'not a time';
    const id = await createAndActivate(t, admin, { email: EMAIL, apiKey: KEY, subdomain: 'poison' });
    expect((await waitForRun(t, admin, id)).status).toBe('SUCCEEDED');

    planted.sent_datetime = bad.sent_datetime; // (so that the ground truth below can be read)
    const stored = await storedCoverage(t.databaseUrl, id);
    const truth = gorgiasCoverage(acct).surveys.filter((s) => s.id !== String(bad.id));
    expect(stored.surveys).toEqual(truth);
    const quarantined = await withDb(t.databaseUrl, async (db) => {
      const { rows } = await db.query(`SELECT object_type, external_id::text AS id FROM sync_quarantine WHERE connector_id = $1`, [id]);
      return rows;
    });
    expect(quarantined).toEqual([{ object_type: 'satisfaction_survey', id: String(bad.id) }]);
    expect(coverageCalls(acct.stats().byRoute)['GET /api/satisfaction-surveys']).toBeGreaterThan(0);
  });
});
