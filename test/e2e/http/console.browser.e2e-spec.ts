import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { GorgiasSimulator, SimAccount, startGorgiasSimulator } from '../../gorgias-simulator';
import { CHROMIUM_PATH, hasChromium, launchChromium, startBlankOrigin } from '../../support/browser';
import { expectText, firstNumber, liveFigures, seriousViolations, watchAgreement } from '../../support/console-page';
import { startTestApp, TestApp } from '../../support/test-app';

/**
 * The operator console in a real browser, through the setup guide's whole flow against the
 * simulator: sign in with a token, Add Connector with Test Connection's diagnoses, Save & Activate,
 * live progress, runs, the sync log and the tickets. Screenshots go to docs/console/ with
 * UPDATE_SCREENSHOTS=1 (`npm run docs:screenshots`), to a temporary directory otherwise, so that a
 * test run leaves the working tree as it found it.
 * Then the API from pages on two other origins: one in CORS_ORIGINS, one not.
 */
const SHOTS =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(__dirname, '../../../docs/console')
    : mkdtempSync(path.join(tmpdir(), 'cxconnect-console-'));

if (!hasChromium) {
  // Visible in `npm test` output: the browser test did not run, and how to make it run.
  console.warn(
    `\n*** Browser test SKIPPED: no Chromium at ${CHROMIUM_PATH}. ` +
      'Install it (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH. ***\n',
  );
}
const describeInBrowser = hasChromium ? describe : describe.skip;

describeInBrowser('operator console in Chromium', () => {
  let sim: GorgiasSimulator;
  let acct: SimAccount;
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let context: BrowserContext;
  let page: Page;
  let listed: Awaited<ReturnType<typeof startBlankOrigin>>;
  let unlisted: Awaited<ReturnType<typeof startBlankOrigin>>;
  let token: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
    acct = sim.addAccount({ subdomain: 'acme', email: 'admin@acme.test', apiKey: 'sim-key-acme', tickets: 240, messagesPerTicket: 4 });
    // A key whose user may read tickets but not messages (Gorgias has no messages scope: it is the role).
    acct.addKey({ apiKey: 'sim-key-tickets-only', email: 'admin@acme.test', denied: ['messages'] });
    listed = await startBlankOrigin();
    unlisted = await startBlankOrigin();
    t = await startTestApp({
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        SYNC_SCHEDULER_ENABLED: 'true',
        SYNC_TICK_SECONDS: '1',
        CORS_ORIGINS: listed.origin,
      },
    });
    token = t.token('acme', 'admin'); // this file's own database: a fixed name keeps the screenshots stable
    browser = await launchChromium();
    context = browser.context;
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
    await listed?.close();
    await unlisted?.close();
    if (process.env.UPDATE_SCREENSHOTS !== '1') rmSync(SHOTS, { recursive: true, force: true });
  });

  const shot = (name: string) => page.screenshot({ path: path.join(SHOTS, name), fullPage: true });

  it('asks for a token and explains a bad one in the API’s words', async () => {
    await page.goto(`${t.url}/console`);
    await page.getByLabel('API token', { exact: true }).fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expectText(page.getByRole('alert'), /not valid for this gateway/);
    await expect(page.getByLabel('API token', { exact: true }).inputValue()).resolves.toBe('not-a-token'); // kept to correct
    expect(await seriousViolations(page)).toEqual([]);
    await shot('01-sign-in.png');
  });

  it('signs in with the token in the URL fragment and drops it from the address bar', async () => {
    await page.goto(`${t.url}/#token=${token}`);
    await page.getByRole('heading', { name: 'Add a Gorgias connector' }).waitFor();
    expect(page.url()).toBe(`${t.url}/`);
    await expectText(page.locator('#who'), /admin/);
  });

  it('Add Connector: hints beside the fields, Test Connection gives the specific diagnosis', async () => {
    const form = page.locator('form.connector-form');
    await expectText(form, /Settings › REST API/);
    await page.getByLabel('Email').fill('admin@acme.test');
    await page.getByLabel('API key').fill('wrong-key');
    await page.getByLabel('Subdomain').fill('acme');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.locator('.check'), /INVALID_CREDENTIALS[\s\S]*hasn't been deleted or revoked/);

    await page.getByLabel('API key').fill('sim-key-acme');
    await page.getByLabel('Subdomain').fill('acme-typo');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.locator('.check'), /SUBDOMAIN_NOT_FOUND[\s\S]*only the subdomain/);

    await page.getByLabel('API key').fill('sim-key-tickets-only');
    await page.getByLabel('Subdomain').fill('https://acme.gorgias.com/app');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.locator('.check'), /PERMISSION_DENIED[\s\S]*cannot read messages/);
    await shot('02-test-connection-diagnosis.png');

    // A validation error is shown as the API words it (the field and the fix).
    await page.getByLabel('Subdomain').fill('not a subdomain!');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.getByRole('alert'), /subdomain/i);

    await page.getByLabel('API key').fill('sim-key-acme');
    await page.getByLabel('Subdomain').fill('acme');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.locator('.check-ok'), /Connected[\s\S]*✓ can read messages/);
  });

  it('a Test connection that hangs (Gorgias slow) can be cancelled, with what it means', async () => {
    const form = page.locator('form.connector-form');
    acct.setFaults({ slowMs: 60_000 }); // Gorgias takes a minute to answer
    try {
      await page.getByRole('button', { name: 'Test connection' }).click();
      const stop = form.getByRole('button', { name: 'Cancel test' });
      await stop.waitFor();
      expect(await page.getByRole('button', { name: 'Test connection' }).isDisabled()).toBe(true);
      await stop.click();
      await expectText(form.locator('.check-cancelled'), /^Test cancelled after \d+ s: Gorgias had not answered\. Nothing was saved\./);
      expect(await page.getByRole('button', { name: 'Test connection' }).isDisabled()).toBe(false);
      expect(await form.getByRole('button', { name: 'Cancel test' }).count()).toBe(0);
      expect(await page.locator('.connector-item').count()).toBe(0); // a test saves nothing
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      acct.setFaults({});
    }
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.locator('.check-ok'), /Connected/);
  });

  it('setup dead end: a failed Save & Activate saves a draft, and Save & Activate again updates that draft', async () => {
    const form = page.locator('form.connector-form');
    await page.getByLabel('API key').fill('wrong-key');
    await page.getByRole('button', { name: 'Save & Activate' }).click();
    // The check's own box with the guide's code, not CONNECTION_CHECK_FAILED.
    await expectText(form.locator('.check-bad'), /Connection failed: INVALID_CREDENTIALS[\s\S]*revoked/);
    await page.getByRole('heading', { name: 'Finish setting up Gorgias (acme)' }).waitFor();
    await page.getByLabel('API key').fill('still-wrong-key');
    await page.getByRole('button', { name: 'Save & Activate' }).click();
    await expectText(form.locator('.form-result'), /INVALID_CREDENTIALS/);
    expect(await form.textContent()).not.toMatch(/already connected/);
    expect(await page.locator('.connector-item').count()).toBe(1); // one draft, never a second connector
    await shot('02b-save-activate-failed.png');
  });

  it('a failed draft: "needs attention" with the guide’s code and an Update API key action, never green "healthy"', async () => {
    const item = page.locator('.connector-item');
    await expectText(item, /draft[\s\S]*needs attention: INVALID_CREDENTIALS/);
    expect(await item.textContent()).not.toMatch(/healthy/);
    await item.click();
    const detail = page.getByTestId('connector-detail');
    const attention = detail.getByTestId('attention');
    await expectText(attention, /Needs attention: INVALID_CREDENTIALS[\s\S]*revoked/);
    await expect(attention.getAttribute('data-code')).resolves.toBe('INVALID_CREDENTIALS');
    expect(await detail.locator('.detail-head').textContent()).not.toMatch(/healthy/);
    expect(await seriousViolations(page)).toEqual([]);
    await shot('02c-failed-draft.png');
    await attention.getByRole('button', { name: 'Update API key' }).click();
    await page.getByRole('heading', { name: 'Edit Gorgias (acme)' }).waitFor();
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('connector-apiKey');
    await page.getByLabel('API key').fill('sim-key-acme');
  });

  it('Save & Activate starts the first sync; bar, facts and the runs row show the same live figures', async () => {
    acct.setFaults({ slowMs: 400 }); // slow enough to watch the bar move
    const agreement = await watchAgreement(page); // every frame from here to the end of the sync
    await page.getByRole('button', { name: 'Save & Activate' }).click();
    const detail = page.getByTestId('connector-detail');
    await detail.getByRole('heading', { name: 'Gorgias (acme)' }).waitFor();
    const bar = detail.getByRole('progressbar', { name: 'Sync progress' });
    await page.waitForFunction(() => {
      const p = document.querySelector('[data-testid="progress"]') as HTMLElement | null;
      const v = Number(p?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow'));
      return p?.dataset.status === 'RUNNING' && v > 0 && v < 100 && /left/.test(p.textContent ?? '');
    });
    await expectText(detail.getByTestId('progress'), /\d+% · step [12] of 3, reading .* · about .* left/);
    // Three moments: each time the bar, "This sync" in the facts and the running row agree.
    const figures = () => liveFigures(page);
    const seen: string[] = [];
    for (let moment = 0; moment < 2; moment++) {
      const f = await figures();
      expect(f.status).toBe('RUNNING');
      expect(f.row).toBe(f.bar);
      expect(f.percents).toEqual([f.percents[0], f.percents[0], f.percents[0]]); // label, aria-valuenow, bar width
      expect(f.badges).toEqual({ heading: true, list: true }); // "syncing" above and in the list
      const [tickets, messages] = f.bar.split('/').map(Number);
      const n = (x: number, word: string) => `${x.toLocaleString('en-US')} ${word}${x === 1 ? '' : 's'}`;
      expect(f.facts).toBe(`so far ${n(tickets, 'ticket')} · ${n(messages, 'message')}`);
      const about = f.label.match(/of about ([\d,]+)/);
      if (about) expect(firstNumber(about[1])).toBeGreaterThan(tickets); // never "500 of about 400"
      seen.push(f.bar);
      await page.waitForFunction((before) => {
        const p = document.querySelector('[data-testid="progress"]') as HTMLElement;
        return `${p.dataset.tickets}/${p.dataset.messages}` !== before;
      }, f.bar);
    }
    const midway = Number(await bar.getAttribute('aria-valuenow'));
    await page.waitForTimeout(400); // let the bar's width transition finish before the picture
    await shot('03-sync-progress.png');

    acct.setFaults({});
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="progress"]') as HTMLElement)?.dataset.status === 'SUCCEEDED',
      undefined,
      { timeout: 90_000 },
    );
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(midway);
    // The third moment, the end: the bar and the run's row agree, and the list and the facts show the same stored count.
    // After the run's end the page is rebuilt once; then the row is the one saved.
    await page.waitForFunction(() => {
      const detail = document.querySelector('[data-testid="connector-detail"]');
      const row = document.querySelector('.runs tr[data-run]');
      return !!detail && !detail.hasAttribute('aria-busy') && /SUCCEEDED/.test(row?.textContent ?? '');
    });
    const end = await figures();
    expect(end.row).toBe(end.bar);
    expect(end.percents).toEqual([100, 100, 100]);
    expect(end.badges).toEqual({ heading: false, list: false });
    expect(seen).toHaveLength(2);
    const watched = await agreement.stop();
    expect(watched.disagreements).toEqual([]);
    expect(watched.finished).toBeGreaterThan(0);
    const stored = firstNumber(await detail.getByTestId('fact-stored').textContent());
    await expectText(page.locator('.connector-item'), new RegExp(`${stored.toLocaleString('en-US')} tickets`));
    await expectText(page.locator('.connector-item'), /active[\s\S]*240 tickets · /);
    // Health and freshness come from the schema when it has them (asked once at load), else the last sync.
    const fields = (await t.gql('{ __type(name: "Connector") { fields { name } } }', {}, token)).data.__type.fields.map((f: any) => f.name);
    const item = page.locator('.connector-item');
    await expectText(
      item,
      fields.includes('dataFreshAsOf') ? /data [\d.]+ (s|min \d+ s) behind Gorgias/ : /last sync just now|last sync \d+ s ago/,
    );
    if (fields.includes('health')) await expectText(item, /Health: healthy/);
    else expect(await item.textContent()).not.toMatch(/Health:/);
  });

  it('runs history with a chart of records and duration per run', async () => {
    const detail = page.getByTestId('connector-detail');
    await detail.getByLabel('Show syncs that changed nothing').check(); // a Sync now that finds nothing new is one of them
    const before = await page.evaluate(() => document.querySelectorAll('.runs tr[data-run]').length);
    const agreement = await watchAgreement(page);
    await detail.getByRole('button', { name: 'Sync now' }).click();
    // A quick run, at the frame it ends: done, 100 %, the bar full (not gliding there), no "syncing" anywhere.
    await page.waitForFunction(
      (n) =>
        document.querySelectorAll('.runs tr[data-run]').length > n &&
        (document.querySelector('[data-testid="progress"]') as HTMLElement)?.dataset.status === 'SUCCEEDED',
      before,
      { timeout: 60_000, polling: 'raf' },
    );
    const quick = await liveFigures(page);
    expect(quick.label).toMatch(/^100% · done · \d+ tickets? · \d+ messages?$/);
    expect(quick.percents).toEqual([100, 100, 100]);
    expect(quick.full).toBe(true);
    expect(quick.badges).toEqual({ heading: false, list: false });
    await page.waitForTimeout(1500); // the page rebuilt after the run's end: still in agreement
    const watched = await agreement.stop();
    expect(watched.disagreements).toEqual([]);
    expect(watched.finished).toBeGreaterThan(0);
    await page.waitForFunction(
      () =>
        document.querySelectorAll('.runs tr[data-run]').length >= 2 &&
        [...document.querySelectorAll('.runs tr[data-run]')].every((r) => /SUCCEEDED|FAILED/.test(r.textContent ?? '')),
      undefined,
      { timeout: 60_000 },
    );
    const chart = detail.getByTestId('runs-chart');
    // Read at one instant: a scheduled poll may add a run at any time.
    const handle = await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('.runs tr[data-run]')];
      if (rows.length < 2 || !document.querySelector('[data-testid="runs-chart"]')) return null; // (re)loading
      const done = rows.filter((r) => /SUCCEEDED|FAILED|CANCELLED/.test(r.children[2]?.textContent ?? '')).length;
      const svg = document.querySelector('[data-testid="runs-chart"] svg[aria-label^="Records per run"]');
      const rects = document.querySelectorAll('[data-testid="runs-chart"] svg[aria-label^="Duration per run"] .chart-bar').length;
      const label = svg?.getAttribute('aria-label') ?? '';
      // A run that just ended is in the rows at once; the chart follows when the runs are read again.
      return label.includes(`last ${done} runs`) ? { done, label, rects } : null;
    });
    const seen = (await handle.jsonValue()) as { done: number; label: string; rects: number };
    expect(seen.done).toBeGreaterThanOrEqual(2);
    expect(seen.label).toMatch(new RegExp(`^Records per run, last ${seen.done} runs`));
    expect(seen.rects).toBe(seen.done);
    await expectText(detail.locator('.runs tr[data-run]').last(), /initial/); // the first sync, as the guide calls it
    await expectText(chart.locator('.chart-summary'), /Last \d+ finished runs: 0 failed, median/);
    // Each bar's value by keyboard (one tab stop per chart, arrow keys) and by a tap, in words on the page.
    await expect(chart.locator('.chart-bar[tabindex="0"]').count()).resolves.toBe(2);
    const records = chart.locator('svg[aria-label^="Records per run"] .chart-bar');
    await records.last().focus();
    await page.keyboard.press('ArrowLeft');
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    expect(focused).toBe(await records.nth(seen.done - 2).getAttribute('aria-label'));
    expect(focused).toMatch(/^Records: [\d,]+, run started .+ \(succeeded\)$/);
    await expectText(chart.getByTestId('chart-value'), new RegExp(`^${focused!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
    const duration = chart.locator('svg[aria-label^="Duration per run"] .chart-bar').first();
    await duration.click();
    await expectText(chart.getByTestId('chart-value'), /^Duration: [\d.]+ s, run started .+ \(succeeded\)$/);
    expect(await chart.getByTestId('chart-value').textContent()).toBe(await duration.getAttribute('aria-label'));
    expect(await seriousViolations(page)).toEqual([]);
    await shot('04-runs.png');
  });

  it('the sync log, filtered by level', async () => {
    const detail = page.getByTestId('connector-detail');
    await detail.getByRole('tab', { name: 'Sync log' }).click();
    await expectText(detail.locator('.log'), /INFO/);
    await expectText(detail.locator('.logs .muted'), /^\d+ lines/);
    const all = Number((await detail.locator('.logs .muted').textContent())!.match(/^([\d,]+)/)![1].replace(/,/g, ''));
    expect(all).toBeGreaterThan(0);
    await detail.getByLabel('Level', { exact: true }).selectOption('ERROR');
    await expectText(detail.locator('.logs .muted'), /error lines/);
    expect(await detail.locator('.log li.log-info').count()).toBe(0);
    await detail.getByLabel('Level', { exact: true }).selectOption('');
    await expectText(detail.locator('.logs .muted'), /\d+ lines/);
    await shot('05-sync-log.png');

    // From a run to its own log lines.
    await detail.getByRole('tab', { name: 'Runs' }).click();
    await detail
      .getByRole('button', { name: /^Log of the run/ })
      .last()
      .click();
    await expectText(detail.locator('.logs .muted'), /\d+ lines of one run/);
    const runLines = Number((await detail.locator('.logs .muted').textContent())!.match(/^([\d,]+)/)![1].replace(/,/g, ''));
    expect(runLines).toBeGreaterThan(0);
    expect(runLines).toBeLessThan(all);
    await detail.getByRole('button', { name: 'Show all runs' }).click();
    await expectText(detail.locator('.logs .muted'), new RegExp(`^${all.toLocaleString('en-US')} lines`));
  });

  it('the ticket browser: search, then a ticket’s conversation (keyboard only)', async () => {
    const detail = page.getByTestId('connector-detail');
    // Arrow keys move between tabs (WAI-ARIA tabs pattern).
    await detail.getByRole('tab', { name: 'Sync log' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(detail.getByRole('tab', { name: 'Tickets' }).getAttribute('aria-selected')).resolves.toBe('true');
    const listed = (await t.gql('{ tickets(first: 1) { totalCount } }', {}, token)).data.tickets.totalCount;
    expect(listed).toBeGreaterThan(200); // the simulator trashes a few of its 240
    await expectText(detail.locator('.tickets > .muted'), new RegExp(`^${listed} tickets`));

    const word = acct
      .snapshot()
      .tickets[0].subject!.split(/\s+/)
      .find((w) => /^[A-Za-z]{5,}$/.test(w))!;
    await detail.getByLabel('Search', { exact: true }).fill(word);
    await detail.getByLabel('Search', { exact: true }).press('Enter');
    const found = (await t.gql('query($s: String) { tickets(filter: { search: $s }) { totalCount } }', { s: word }, token)).data.tickets
      .totalCount;
    expect(found).toBeGreaterThan(0);
    expect(found).toBeLessThan(listed);
    await expectText(detail.locator('.tickets > .muted'), new RegExp(`^${found} tickets?`));
    const first = detail.locator('.ticket-list .ticket').first();
    await first.focus();
    await page.keyboard.press('Enter');
    const conversation = detail.locator('.conversation');
    await conversation.getByRole('heading').waitFor();
    await expect(conversation.locator('.message').count()).resolves.toBeGreaterThan(0);
    await expectText(conversation.locator('.message').first(), /customer|agent/);
    await shot('06-tickets.png');
    expect(cspViolations).toEqual([]); // the console runs under its strict CSP, subscription included
  });

  it('passes axe-core’s WCAG 2 A/AA checks (no serious violations) on the connector page and the Add Connector form', async () => {
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Add connector' }).click();
    await page.getByRole('heading', { name: 'Add a Gorgias connector' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('connector-detail').waitFor();
  });

  it('a key revoked in Gorgias: the connector shows the API’s advice, Edit takes a new key, Save & Activate resumes', async () => {
    acct.revokeKey('sim-key-acme');
    acct.addKey({ apiKey: 'sim-key-acme-new', email: 'admin@acme.test' });
    const detail = page.getByTestId('connector-detail');
    await detail.getByRole('button', { name: 'Sync now' }).click();
    await expectText(page.getByTestId('attention'), /refused the email and API key[\s\S]*deleted or revoked/);
    await expect(page.getByTestId('attention').getByRole('button', { name: 'Update API key' }).count()).resolves.toBe(1);
    await expectText(page.locator('.connector-item'), /error/);
    await page.getByRole('tab', { name: 'Runs' }).click();
    await shot('07-revoked-key.png');

    await page.getByTestId('connector-detail').getByRole('button', { name: 'Edit' }).click();
    const form = page.locator('form.connector-form');
    await expectText(form.locator('.hint').nth(1), /Leave empty to keep the current key \(•••• acme\)/);
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.locator('.check'), /INVALID_CREDENTIALS/); // the saved, revoked key
    await page.getByLabel('API key').fill('sim-key-acme-new');
    await page.getByRole('button', { name: 'Test connection' }).click();
    await expectText(form.locator('.check-ok'), /Connected/);
    await page.getByRole('button', { name: 'Save & Activate' }).click();
    await expectText(page.getByTestId('connector-detail').locator('.facts'), /•••• -new/);
    await page.waitForFunction(
      () =>
        (document.querySelector('[data-testid="progress"]') as HTMLElement)?.dataset.status === 'SUCCEEDED' &&
        !document.querySelector('[data-testid="connector-detail"] [role="alert"]'),
      undefined,
      { timeout: 60_000 },
    );
    await expectText(page.locator('.connector-item'), /active/);
  });

  it('the API answers a page on a listed origin and refuses one on an unlisted origin (HTTP and WebSocket)', async () => {
    const callApi = (api: string, tok: string) =>
      (async () => {
        const http = await fetch(`${api}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tok}` },
          body: JSON.stringify({ query: '{ viewer { tenantId } }' }),
        })
          .then(async (r) => ({ ok: true, tenant: (await r.json()).data?.viewer?.tenantId }))
          .catch((e) => ({ ok: false, error: String(e) }));
        const ws = await new Promise<string>((resolve) => {
          const s = new WebSocket(`${api.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
          s.onopen = () => s.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tok}` } }));
          s.onmessage = (m) => {
            resolve(JSON.parse(String(m.data)).type);
            s.close();
          };
          s.onclose = (e) => resolve(`closed ${e.code}`);
          s.onerror = () => resolve('error');
        });
        return { http, ws };
      })();
    const other = await context.newPage();
    try {
      await other.goto(listed.origin);
      const allowed = await other.evaluate(`(${callApi.toString()})(${JSON.stringify(t.url)}, ${JSON.stringify(token)})`);
      expect(allowed).toEqual({ http: { ok: true, tenant: 'acme' }, ws: 'connection_ack' });

      await other.goto(unlisted.origin);
      const refused: any = await other.evaluate(`(${callApi.toString()})(${JSON.stringify(t.url)}, ${JSON.stringify(token)})`);
      expect(refused.http).toEqual({ ok: false, error: expect.stringMatching(/Failed to fetch/) });
      expect(refused.ws).toMatch(/closed 4403|error|closed 1006/);
    } finally {
      await other.close();
    }
  });
});
