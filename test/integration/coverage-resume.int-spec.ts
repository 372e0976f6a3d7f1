import { GorgiasSatisfactionSurvey, GorgiasTeam } from '../../src/gorgias/gorgias-coverage.types';
import { GorgiasUser } from '../../src/gorgias/gorgias.types';
import { SyncRunRow } from '../../src/sync/repositories/sync-run.row';
import { coverageStage, minuteOf2025 } from './support/coverage-stage';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { claimedRun, runServices, sessionOf } from './support/run-harness';

const at = minuteOf2025;

/**
 * A run that fails in the coverage stage is retried from its checkpoint (a transient failure): the
 * retry goes on from the page the lists had reached. It reads no list again that the failed attempt
 * had read to the end, and no page of the list it was in that was already stored.
 */
describe('coverage lists: a retried run goes on from the checkpoint', () => {
  let db: IntegrationDb;

  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  it('reads each page of every list once over a failed attempt and its retry, and keeps the newest survey seen', async () => {
    const gorgias = new FakeGorgiasClient();
    for (let i = 1; i <= 150; i++) gorgias.users.set(i, { id: i, email: `agent${i}@x.test`, created_datetime: at(i) } as GorgiasUser);
    for (let i = 1; i <= 250; i++) gorgias.teams.set(i, { id: i, name: `team ${i}`, created_datetime: at(i) } as GorgiasTeam);
    for (let i = 1; i <= 250; i++)
      gorgias.surveys.set(i, { id: i, ticket_id: i, created_datetime: at(1000 + i) } as GorgiasSatisfactionSurvey);

    const calls: string[] = [];
    let failTeamsAt: string | undefined = '200';
    let failSurveysAt: string | undefined = '100';
    const logged =
      <P extends { cursor?: string }, R>(name: string, fn: (p?: P) => Promise<R>, fail: () => string | undefined) =>
      async (p?: P) => {
        calls.push(`${name} ${p?.cursor ?? 'first'}`);
        if (p?.cursor && p.cursor === fail()) throw new Error(`socket hang up (${name} ${p.cursor})`);
        return fn(p);
      };
    gorgias.listUsers = logged('users', gorgias.listUsers.bind(gorgias), () => undefined);
    gorgias.listTeams = logged('teams', gorgias.listTeams.bind(gorgias), () => failTeamsAt);
    gorgias.listTags = logged('tags', gorgias.listTags.bind(gorgias), () => undefined);
    gorgias.listSatisfactionSurveys = logged('surveys', gorgias.listSatisfactionSurveys.bind(gorgias), () => failSurveysAt);

    const services = runServices(db);
    const { run } = await claimedRun(db, services, 'coverage-resume');
    await db.ds.query(`UPDATE sync_runs SET checkpoint = $2 WHERE id = $1`, [run.id, { stage: 'coverage', initial: true }]);
    const stage = coverageStage();
    /** One attempt, as the executor makes it: a session on the run's stored checkpoint. */
    const attempt = async () => {
      const [{ checkpoint }] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
      const s = sessionOf({ ...run, checkpoint } as SyncRunRow, gorgias.asClient(), services);
      await stage.run(s, 'reconcile', {});
    };

    // Attempt 1 stops at the teams' third page (the read-ahead asked for it while page 2 was written).
    await expect(attempt()).rejects.toThrow('teams 200');
    expect(calls.splice(0)).toEqual(['users first', 'users 100', 'teams first', 'teams 100', 'teams 200']);
    failTeamsAt = undefined;

    // Attempt 2: the users are not read again; the teams go on at page 3; the surveys fail at their second page.
    await expect(attempt()).rejects.toThrow('surveys 100');
    expect(calls.filter((c) => !c.startsWith('surveys'))).toEqual(['teams 200', 'tags first']);
    expect(calls.splice(0).filter((c) => c.startsWith('surveys'))).toEqual(['surveys first', 'surveys 100']);
    failSurveysAt = undefined;

    // Attempt 3: only the surveys' pages not yet stored; the newest survey (on page 1, stored by attempt 2) is the watermark.
    await attempt();
    expect(calls.filter((c) => /^(users|teams|tags|surveys)/.test(c))).toEqual(['surveys 100', 'surveys 200']);
    const counts = await db.ds.query(
      `SELECT (SELECT count(*) FROM agents WHERE connector_id = $1)::int AS agents,
              (SELECT count(*) FROM teams WHERE connector_id = $1)::int AS teams,
              (SELECT count(*) FROM satisfaction_surveys WHERE connector_id = $1)::int AS surveys`,
      [run.connectorId],
    );
    expect(counts).toEqual([{ agents: 150, teams: 250, surveys: 250 }]);
    const [{ watermark }] = await db.ds.query(`SELECT watermark FROM sync_cursors WHERE connector_id = $1 AND stream = 'surveys'`, [
      run.connectorId,
    ]);
    expect(new Date(watermark).toISOString()).toBe(at(1250));
    const [{ checkpoint }] = await db.ds.query(`SELECT checkpoint FROM sync_runs WHERE id = $1`, [run.id]);
    expect(checkpoint).toEqual({ stage: 'reconcile', initial: true });
  });
});
