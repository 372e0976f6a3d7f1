import { GorgiasPage, GorgiasSatisfactionSurvey } from '../../src/gorgias/gorgias.types';
import { CoverageWriteRepository } from '../../src/tickets/repositories/coverage-write.repository';
import { coverageStage } from './support/coverage-stage';
import { FakeGorgiasClient } from './support/fake-gorgias-client';
import { IntegrationDb, openIntegrationDb } from './support/integration-db';
import { claimedRun, runServices, sessionOf } from './support/run-harness';

/**
 * The sync log counts what was stored, also when the database refused one record of the page and the
 * others were stored one by one: the unscored surveys read again, one of them with a date PostgreSQL
 * cannot read (quarantined).
 */
describe('survey re-reads: the log counts what the committed page stored', () => {
  let db: IntegrationDb;

  beforeAll(async () => {
    db = await openIntegrationDb();
  });
  afterAll(() => db?.close());

  it('says 2 scored when 3 unscored surveys are read again and one is refused', async () => {
    const gorgias = new FakeGorgiasClient();
    const sent = new Date(Date.now() - 3_600_000).toISOString();
    for (const id of [1, 2, 3]) {
      gorgias.surveys.set(id, {
        id,
        ticket_id: id,
        score: 4,
        sent_datetime: sent,
        created_datetime: sent,
        // Survey 3 (read last) carries a date no mapper can fix: the page is refused, then stored one by one.
        scored_datetime: id === 3 ? 'the day before yesterday' : new Date().toISOString(),
      } as GorgiasSatisfactionSurvey);
    }
    // The list shows nothing new since the last look: only the re-reads by id store the scores.
    gorgias.listSatisfactionSurveys = async (): Promise<GorgiasPage<GorgiasSatisfactionSurvey>> => ({
      data: [],
      meta: { next_cursor: null, prev_cursor: null },
    });

    const services = runServices(db);
    const { run } = await claimedRun(db, services, 'survey-reread');
    const scope = { tenantId: run.tenantId, connectorId: run.connectorId };
    await db.ds.transaction((tx) =>
      new CoverageWriteRepository().upsertSurveys(
        tx,
        scope,
        [1, 2, 3].map((id) => ({
          external_id: id,
          ticket_external_id: id,
          score: null,
          body_text: null,
          sent_at: sent,
          scored_at: null,
          source_created_at: sent,
        })),
      ),
    );
    const s = sessionOf({ ...run, checkpoint: { stage: 'coverage', initial: false } }, gorgias.asClient(), services);
    const now = new Date();
    await coverageStage(10).run(s, 'reconcile', { coverage: now, custom_fields: now, surveys: now });

    const scores = await db.ds.query(`SELECT external_id::int AS id, score FROM satisfaction_surveys WHERE connector_id = $1 ORDER BY 1`, [
      run.connectorId,
    ]);
    expect(scores).toEqual([
      { id: 1, score: 4 },
      { id: 2, score: 4 },
      { id: 3, score: null },
    ]);
    const lines = await db.ds.query(`SELECT level, message FROM sync_log_entries WHERE run_id = $1 ORDER BY id`, [run.id]);
    expect(lines.map((l: { level: string; message: string }) => `${l.level} ${l.message}`)).toEqual([
      expect.stringMatching(/^WARN Gorgias satisfaction_survey 3 could not be stored and was skipped \(quarantined\): .*SQLSTATE 22007/),
      'INFO Re-read 3 unscored satisfaction surveys: 2 changed (scored).',
    ]);
  });
});
