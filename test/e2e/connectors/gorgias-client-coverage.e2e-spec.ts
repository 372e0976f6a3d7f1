/**
 * The client's coverage calls (users, teams, tags, satisfaction surveys, custom fields) against the
 * simulator over HTTP: same paging, pacing, retries and error mapping as the ticket lists.
 */
import axios from 'axios';
import { GorgiasApiError } from '../../../src/gorgias/gorgias-api.error';
import { GorgiasClient } from '../../../src/gorgias/gorgias-client';
import { GorgiasRateLimitPacer } from '../../../src/gorgias/gorgias-rate-limit.pacer';
import { GorgiasPage } from '../../../src/gorgias/gorgias.types';
import { GorgiasSimulator, startGorgiasSimulator } from '../../gorgias-simulator';

const EMAIL = 'client@acme.test';
const KEY = 'client-cov-key-0123456789';

function clientFor(sim: GorgiasSimulator, subdomain: string, apiKey = KEY) {
  return new GorgiasClient(axios.create(), { email: EMAIL, apiKey, subdomain }, new GorgiasRateLimitPacer(), {
    baseUrlTemplate: sim.baseUrlTemplate,
    timeoutMs: 2_000,
    maxRetries: 6,
  });
}

async function errorOf(p: Promise<unknown>): Promise<GorgiasApiError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GorgiasApiError) return e;
    throw e;
  }
  throw new Error('expected a GorgiasApiError');
}

async function all<T>(c: GorgiasClient, fetchPage: (cursor?: string) => Promise<GorgiasPage<T>>): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let pages = 0;
  for await (const page of c.paginate(fetchPage)) {
    pages++;
    items.push(...page.data);
  }
  return { items, pages };
}

describe('GorgiasClient: users, teams, tags, satisfaction surveys, custom fields', () => {
  let sim: GorgiasSimulator;
  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, clockScale: 20 });
  });
  afterAll(() => sim?.close());

  it('reads every list page by page, under faults, with datetimes normalized', async () => {
    const acct = sim.addAccount({ subdomain: 'covlists', email: EMAIL, apiKey: KEY, seed: 21, tickets: 400, messagesPerTicket: 1 });
    const truth = acct.coverage.snapshot();
    acct.setFaults({ errorRate: 0.1, cutRate: 0.05, truncateRate: 0.05, seed: 4 });
    const c = clientFor(sim, 'covlists');
    const users = await all(c, (cursor) => c.listUsers({ limit: 2, cursor }));
    const teams = await all(c, (cursor) => c.listTeams({ limit: 100, cursor }));
    const tags = await all(c, (cursor) => c.listTags({ limit: 5, cursor, order_by: 'created_datetime:asc' }));
    const surveys = await all(c, (cursor) => c.listSatisfactionSurveys({ limit: 100, cursor }));
    const fields = await all(c, (cursor) => c.listCustomFields({ cursor }));
    const archived = await all(c, (cursor) => c.listCustomFields({ cursor, archived: true }));
    acct.setFaults({});
    expect(users.items.map((u) => u.id).sort()).toEqual(truth.users.map((u) => u.id).sort());
    expect(users.pages).toBe(Math.ceil(truth.users.length / 2));
    expect(teams.items.map((t) => t.name).sort()).toEqual(truth.teams.map((t) => t.name).sort());
    expect(tags.items.map((t) => t.id)).toEqual(truth.tags.map((t) => t.id).sort((a, b) => a - b));
    expect(surveys.items.length).toBe(truth.surveys.length);
    expect(surveys.pages).toBe(Math.ceil(truth.surveys.length / 100));
    expect(surveys.items.every((s) => s.ticket_id > 0 && /\+00:00$/.test(s.sent_datetime!))).toBe(true);
    expect(surveys.items.some((s) => s.score === null) && surveys.items.some((s) => (s.score ?? 0) >= 1)).toBe(true);
    expect(fields.items.map((f) => f.label).sort()).toEqual(['Contact reason', 'Escalated', 'Items in order', 'Order number']);
    expect(archived.items.map((f) => f.label)).toEqual(['Legacy category']);
    expect(c.stats.retries).toBeGreaterThan(0);
    // The lower bound a full read of these lists costs at 100 per page, as the simulator reports it.
    expect(truth.surveys.length).toBeGreaterThan(100);
    expect(acct.stats().data.coverage.listPages).toBe(5 + surveys.pages);
  });

  it('reads one object by id; a merged-away tag and an object not shown yet are NOT_FOUND', async () => {
    const acct = sim.addAccount({
      subdomain: 'covone',
      email: EMAIL,
      apiKey: KEY,
      seed: 22,
      tickets: 50,
      behaviour: { newObjectListLagMs: 60_000 },
    });
    const c = clientFor(sim, 'covone');
    const [u] = acct.coverage.snapshot().users;
    const [src, dst] = acct.coverage.snapshot().tags;
    acct.coverage.deactivateUser(u.id);
    expect(await c.getUser(u.id)).toMatchObject({ id: u.id, active: false, deactivated_datetime: expect.stringMatching(/\+00:00$/) });
    acct.coverage.mergeTags(src.id, dst.id);
    expect(await errorOf(c.getTag(src.id))).toMatchObject({ code: 'NOT_FOUND', details: { resource: 'tags', status: 404 } });
    expect((await c.getTag(dst.id)).usage).toBeGreaterThan(0);
    const team = acct.coverage.createTeam({ name: 'Not yet' });
    expect((await errorOf(c.getTeam(team.id))).code).toBe('NOT_FOUND');
    const survey = acct.coverage.snapshot().surveys.find((s) => s.score === null)!;
    acct.coverage.scoreSurvey(survey.id, 4, 'ok');
    expect(await c.getSatisfactionSurvey(survey.id)).toMatchObject({ score: 4, body_text: 'ok' });
  });

  it('maps a key without the users permission to PERMISSION_DENIED on users only', async () => {
    const acct = sim.addAccount({ subdomain: 'covperm', email: EMAIL, apiKey: KEY, seed: 23, tickets: 5 });
    acct.addKey({ apiKey: 'no-users-key', email: EMAIL, denied: ['users'] });
    const c = clientFor(sim, 'covperm', 'no-users-key');
    expect(await errorOf(c.listUsers())).toMatchObject({ code: 'PERMISSION_DENIED', details: { resource: 'users', status: 403 } });
    await expect(c.listTags()).resolves.toMatchObject({ data: expect.any(Array) });
    expect((await errorOf(c.listUsers({ limit: 101 }))).code).toBe('BAD_REQUEST');
  });
});
