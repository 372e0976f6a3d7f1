import { GorgiasSatisfactionSurvey, GorgiasTeam } from '../../src/gorgias/gorgias-coverage.types';
import { coverageStage, minuteOf2025 } from './support/coverage-stage';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { claimedRun, runServices, sessionOf } from './support/run-harness';

const at = minuteOf2025;

/**
 * Issue 24's small lists are read page after page, each page written in its own transaction: the next
 * page is asked for while one is written, and never a page past the list's end or where a walk stops.
 */
describe('coverage lists: the next page read while one is written', () => {
  let db: IntegrationDb;

  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  /** A stage run whose list calls and page commits are logged in the order they happen. */
  async function run(gorgias: FakeGorgiasClient, watermarks: Record<string, Date>) {
    const events: string[] = [];
    const listTeams = gorgias.listTeams.bind(gorgias);
    gorgias.listTeams = (p = {}) => (events.push(`teams ${p.cursor ?? 'first'}`), listTeams(p));
    const listSurveys = gorgias.listSatisfactionSurveys.bind(gorgias);
    gorgias.listSatisfactionSurveys = (p = {}) => (events.push(`surveys ${p.cursor ?? 'first'}`), listSurveys(p));
    const services = runServices(db);
    services.observers.register({ onPageCommitted: () => (events.push('commit'), Promise.resolve()) });
    const { run } = await claimedRun(db, services, 'coverage-test');
    const s = sessionOf(run, gorgias.asClient(), services);
    s.checkpoint = { stage: 'coverage', initial: !watermarks.coverage };
    await coverageStage().run(s, 'reconcile', watermarks);
    return events;
  }

  it('asks for the next page before the page read is committed, and for no page past the last', async () => {
    const gorgias = new FakeGorgiasClient();
    for (let i = 1; i <= 250; i++) gorgias.teams.set(i, { id: i, name: `team ${i}`, created_datetime: at(i) } as GorgiasTeam);
    const events = await run(gorgias, {});
    const teams = events.slice(events.indexOf('teams first'), events.lastIndexOf('teams 200') + 3);
    expect(teams).toEqual(['teams first', 'teams 100', 'commit', 'teams 200', 'commit', 'commit']);
  });

  it('reads no survey page past the one where a later run stops (the watermark)', async () => {
    const gorgias = new FakeGorgiasClient();
    for (let i = 1; i <= 250; i++)
      gorgias.surveys.set(i, { id: i, ticket_id: i, created_datetime: at(1000 + i) } as GorgiasSatisfactionSurvey);
    const events = await run(gorgias, { coverage: new Date(), surveys: new Date(Date.parse(at(1200))), survey_check: new Date(0) });
    expect(events.filter((e) => e.startsWith('surveys'))).toEqual(['surveys first']);
  });
});
