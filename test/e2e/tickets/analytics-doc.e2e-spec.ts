import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { COVERAGE_A1, COVERAGE_TENANT_A, seedCoverage } from '../../support/coverage-read-seed';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * docs/api.md, section "Analytics": the queries and computations it shows are run exactly as written (the
 * code blocks are read out of the file) against seeded data (coverage-read-seed.ts), and their answers checked.
 */
const doc = readFileSync(join(__dirname, '../../../docs/api.md'), 'utf8');
const section = doc.slice(doc.indexOf('\n## Analytics'), doc.indexOf('\n## ', doc.indexOf('\n## Analytics') + 1));
const blocks = (text: string, lang: string) => [...text.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);
const [intro, ...questions] = section.split('\n### ');

/** What each question of the doc must answer on the seeded tickets (see the table in coverage-read-seed.ts). */
const EXPECTED: Record<string, unknown> = {
  'First-reply time per agent': { Alice: { tickets: 2, meanMinutes: 45 }, Bob: { tickets: 1, meanMinutes: 120 } },
  'CSAT per tag': { refund: { responses: 3, mean: 3.67 }, vip: { responses: 1, mean: 5 } },
  'Reassignments per ticket': { 1001: 1, 1002: 0, 1003: 2, 1004: 0, 1005: 0, 1006: 0 },
};

describe('docs/api.md analytics, run as written', () => {
  let t: TestApp;
  let reader: string;

  beforeAll(async () => {
    t = await startTestApp();
    await seedCoverage(t.app.get(DataSource));
    reader = t.token(COVERAGE_TENANT_A, 'reader');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('has one paging helper and the three questions, each a query and a computation', () => {
    expect(blocks(intro, 'js')).toHaveLength(1);
    expect(questions.map((q) => q.split('\n')[0])).toEqual(Object.keys(EXPECTED));
    for (const q of questions) {
      expect(blocks(q, 'graphql')).toHaveLength(1);
      expect(blocks(q, 'js')).toHaveLength(1);
    }
  });

  it.each(Object.keys(EXPECTED))('"%s" answers what the seeded data says', async (title) => {
    const q = questions.find((x) => x.startsWith(title))!;
    const [query] = blocks(q, 'graphql');
    const [compute] = blocks(q, 'js');
    const name = /function (\w+)/.exec(compute)![1];
    const code = new Function(`${blocks(intro, 'js')[0]}\n${compute}\nreturn { allTickets, compute: ${name} };`)();
    const calls: unknown[] = [];
    const gql = async (text: string, variables: Record<string, unknown>) => {
      calls.push(variables.after);
      const r = await t.gql(text, variables, reader);
      if (r.errors) throw new Error(JSON.stringify(r.errors));
      return r.data;
    };
    const tickets = await code.allTickets(gql, query, { connectorId: COVERAGE_A1 });
    expect(calls[0]).toBeNull();
    expect(code.compute(tickets)).toEqual(EXPECTED[title]);
  });

  it('pages: the helper follows endCursor until the last page', async () => {
    const q = questions.find((x) => x.startsWith('Reassignments'))!;
    const query = blocks(q, 'graphql')[0].replace('first: 20', 'first: 4');
    const { allTickets } = new Function(`${blocks(intro, 'js')[0]}\nreturn { allTickets };`)();
    let pages = 0;
    const gql = async (text: string, variables: Record<string, unknown>) => {
      pages++;
      return (await t.gql(text, variables, reader)).data;
    };
    const tickets = await allTickets(gql, query, { connectorId: COVERAGE_A1 });
    expect(pages).toBe(2);
    expect(tickets.map((x: any) => x.externalId).sort()).toEqual(['1001', '1002', '1003', '1004', '1005', '1006']);
  });
});
