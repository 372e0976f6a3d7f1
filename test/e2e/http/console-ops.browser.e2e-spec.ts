import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { GorgiasSimulator, SimAccount, startGorgiasSimulator } from '../../gorgias-simulator';
import { hasChromium, launchChromium } from '../../support/browser';
import { clippedTabs, expectText, firstNumber, horizontalOverflow, seriousViolations } from '../../support/console-page';
import { eventually } from '../../support/poll';
import { createAndActivate, waitForRun } from '../../support/sync-helpers';
import { freePort, startTestApp, TestApp } from '../../support/test-app';

/**
 * The console at phone width (390 px) as an admin and as a reader (issue 26): the reader's view,
 * every screen without sideways scrolling, a 120-message conversation read to its newest message,
 * ticket lookup and filters, the schedule as it is, cancelling a sync, deleting a connector, and a
 * session that expires. axe-core on each screen. Screenshots with UPDATE_SCREENSHOTS=1.
 */
const describeInBrowser = hasChromium ? describe : describe.skip;
const SHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(__dirname, '../../../docs/console') : null;

describeInBrowser('operator console: phone width, admin actions, reader, expired session', () => {
  let sim: GorgiasSimulator;
  let acct: SimAccount;
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let connectorId: string;
  let long: { id: number; email: string };
  let hostile: number;
  const admin = () => t.token('ops', 'admin');

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
    acct = sim.addAccount({ subdomain: 'ops', email: 'admin@ops.test', apiKey: 'sim-key-ops', seed: 9, tickets: 30, messagesPerTicket: 2 });
    const ticket = acct.createTicket({ subject: 'A long conversation' });
    for (let i = 1; i <= 120; i++) {
      acct.addMessage(ticket.id, {
        body_text: `Message ${i} of 120`,
        from_agent: i % 2 === 0,
        attachments:
          i === 120
            ? [
                { url: 'https://files.example.test/invoice.pdf', name: 'invoice.pdf' },
                { url: 'javascript:alert(1)', name: 'not-a-link.pdf' },
              ]
            : [],
      });
    }
    long = { id: ticket.id, email: ticket.customer!.email! };
    acct.trashTicket(acct.snapshot().tickets[0].id);
    // A body with markup and the searched word twice: marked as text, the markup shown as typed.
    hostile = acct.createTicket({ subject: 'Order question' }).id;
    acct.addMessage(hostile, {
      body_text: 'Where is my <b>zebrafish</b> order? <img src=x onerror="window.__xss=1"> Zebrafish tank too.',
      from_agent: false,
    });
    // A public address, so that webhooks register (and a secret can be rotated); no client retries, so a
    // Gorgias error fails the run's attempt at once and the run waits to retry.
    const port = await freePort();
    t = await startTestApp({
      port,
      env: {
        GORGIAS_BASE_URL: sim.baseUrlTemplate,
        SYNC_SCHEDULER_ENABLED: 'true',
        SYNC_TICK_SECONDS: '1',
        PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
        GORGIAS_MAX_RETRIES: '0',
      },
    });
    connectorId = await createAndActivate(t, admin(), { email: 'admin@ops.test', apiKey: 'sim-key-ops', subdomain: 'ops' });
    expect((await waitForRun(t, admin(), connectorId)).status).toBe('SUCCEEDED');
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.setViewportSize({ width: 390, height: 844 });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  const shot = async (name: string) => SHOTS && page.screenshot({ path: path.join(SHOTS, name), fullPage: true });
  /** No sideways scrolling and no serious axe violation on the screen as it is. */
  const screenIsSound = async () => {
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await horizontalOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
  };
  const signInByLink = async (token: string) => {
    // The printed link opened in a tab already on the console: only the fragment changes (hashchange).
    await page.evaluate((tok) => (location.hash = `token=${tok}`), token);
    await page.waitForFunction(() => document.body.dataset.signedIn === 'true');
    expect(page.url()).not.toContain('token=');
  };

  it('a reader (signed in by the link, in a tab already on the console) sees no admin action', async () => {
    await page.goto(`${t.url}/console`);
    await screenIsSound(); // the sign-in form at 390 px
    await signInByLink(t.token('ops', 'reader'));
    const detail = page.getByTestId('connector-detail');
    await expectText(detail.getByTestId('read-only'), /admin only/);
    expect(await page.getByRole('button', { name: 'Add connector' }).isVisible()).toBe(false);
    for (const name of ['Sync now', 'Full resync', 'Pause', 'Edit', 'Delete', 'Test connection'])
      expect(await detail.getByRole('button', { name, exact: true }).count()).toBe(0);
    await screenIsSound();
    await shot('08-reader.png');
    await page.getByRole('button', { name: 'Sign out' }).click();
  });

  it('at 390 px every screen fits: connector, runs, sync log, refused records, the form', async () => {
    await signInByLink(admin());
    const detail = page.getByTestId('connector-detail');
    await detail.locator('.runs tr[data-run]').first().waitFor();
    await screenIsSound();
    expect(await clippedTabs(page)).toEqual([]); // every tab label readable ("Refused records" was cut off)
    await shot('09-phone.png');
    for (const tab of ['Sync log', 'Refused records']) {
      await detail.getByRole('tab', { name: tab }).click();
      await expectText(detail.getByRole('tabpanel'), /line|refused records|every record/);
      await screenIsSound();
    }
    await page.getByRole('button', { name: 'Add connector' }).click();
    await page.getByRole('button', { name: 'Save & Activate' }).click(); // empty: each field says what it needs
    await expectText(page.locator('#connector-email-error'), /Email is required/);
    await expect(page.getByLabel('Email').getAttribute('aria-invalid')).resolves.toBe('true');
    await screenIsSound();
    // A Test connection that hangs, then cancelled: both states fit too.
    await page.getByLabel('Email').fill('admin@ops.test');
    await page.getByLabel('API key').fill('sim-key-ops');
    await page.getByLabel('Subdomain').fill('ops');
    acct.setFaults({ slowMs: 60_000 });
    try {
      await page.getByRole('button', { name: 'Test connection' }).click();
      // Seen once in a full run (not alone): no Cancel button in 30 s. The likely cause, a connector reloading over
      // the open form, is fixed and tested below; a failure still says what the form showed instead.
      await page
        .getByRole('button', { name: 'Cancel test' })
        .waitFor()
        .catch(async (e: Error) => {
          const shown = await page
            .locator('form')
            .first()
            .innerText({ timeout: 1000 })
            .catch(() => '(no form)');
          throw new Error(`${e.message}\nThe form showed instead: ${shown}`);
        });
      await screenIsSound();
      await page.getByRole('button', { name: 'Cancel test' }).click();
      await expectText(page.locator('.check-cancelled'), /Test cancelled/);
      await screenIsSound();
    } finally {
      acct.setFaults({});
    }
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('a connector that finishes loading after the Add connector form opened does not replace the form (or what was typed)', async () => {
    const detail = page.getByTestId('connector-detail');
    await detail.waitFor();
    // The connectors list answers slowly: the connector clicked below is still loading when the form opens
    // (as when a sync ends and the open connector reloads just before the operator clicks Add connector).
    const isList = (body: string | null) => !!body && body.includes('{ connectors {');
    await page.route('**/graphql', async (route) => {
      if (isList(route.request().postData())) await new Promise((r) => setTimeout(r, 1500));
      await route.continue().catch(() => undefined);
    });
    try {
      const listed = page.waitForResponse((r) => r.url().endsWith('/graphql') && isList(r.request().postData()));
      await page.locator('.connector-item').first().click();
      await page.getByRole('button', { name: 'Add connector' }).click();
      await page.getByLabel('Email').fill('typed@ops.test');
      await listed;
      // The load's continuation runs on the page's next turns: give it a few, then the form must still be there.
      await page.evaluate(() => new Promise((r) => setTimeout(r, 200)));
      expect(await page.getByLabel('Email').inputValue()).toBe('typed@ops.test');
      expect(await detail.count()).toBe(0);
    } finally {
      await page.unroute('**/graphql');
    }
    await page.getByRole('button', { name: 'Cancel' }).click();
    await detail.waitFor();
  });

  it('a 120-message conversation opens on the newest message and reads back to the first; #number, email, trashed', async () => {
    const detail = page.getByTestId('connector-detail');
    await detail.getByRole('tab', { name: 'Tickets' }).click();
    const summary = detail.locator('.tickets > .muted');
    await expectText(summary, /^\d+ tickets \(trashed and deleted tickets hidden\)/);
    const live = firstNumber(await summary.textContent());
    // Filters: status, then a date range after every update, then back.
    const closed = (await t.gql('{ tickets(filter: { status: "closed" }) { totalCount } }', {}, admin())).data.tickets.totalCount;
    await detail.getByLabel('Status', { exact: true }).selectOption('closed');
    await expectText(summary, new RegExp(`^${closed} tickets? \\(trashed`));
    await detail.getByLabel('Status', { exact: true }).selectOption('');
    await detail.getByLabel('Updated from').fill('2999-01-01');
    await expectText(summary, /^0 tickets/);
    await detail.getByLabel('Updated from').fill('');
    await expectText(summary, new RegExp(`^${live} tickets`));
    await detail.getByLabel('Include trashed and deleted').check();
    await expectText(summary, new RegExp(`^${live + 1} tickets$`));

    await detail.getByLabel('Search', { exact: true }).fill(long.email);
    await detail.getByLabel('Search', { exact: true }).press('Enter');
    const byEmail = (
      await t.gql(
        'query($e: String) { tickets(filter: { customerEmail: $e, includeDeleted: true }) { totalCount } }',
        { e: long.email },
        admin(),
      )
    ).data.tickets.totalCount;
    await expectText(summary, new RegExp(`^${byEmail} tickets?`));

    await detail.getByLabel('Search', { exact: true }).fill(`#${long.id}`);
    await detail.getByLabel('Search', { exact: true }).press('Enter');
    const conversation = detail.locator('.conversation');
    await expectText(conversation.getByTestId('message-count'), /The newest 50 of 120 messages/);
    await expectText(conversation.locator('.message').last(), /Message 120 of 120/);
    await expect(conversation.getByRole('link', { name: 'Open in Gorgias' }).getAttribute('href')).resolves.toBe(
      `https://ops.gorgias.com/app/ticket/${long.id}`,
    );
    await expect(conversation.getByRole('link', { name: 'invoice.pdf' }).getAttribute('href')).resolves.toBe(
      'https://files.example.test/invoice.pdf',
    );
    expect(await conversation.getByRole('link', { name: 'not-a-link.pdf' }).count()).toBe(0); // javascript: stays text
    await expectText(conversation.locator('.attachments'), /not-a-link\.pdf/);
    await screenIsSound();
    await shot('10-conversation.png');
    for (const shown of [100, 120]) {
      await conversation.getByRole('button', { name: 'Show older messages' }).click();
      await expectText(conversation.getByTestId('message-count'), shown === 120 ? /All 120 messages/ : /The newest 100 of 120/);
    }
    await expect(conversation.locator('.message').count()).resolves.toBe(120);
    await expectText(conversation.locator('.message').first(), /Message 1 of 120/);
    expect(await conversation.getByRole('button', { name: 'Show older messages' }).isVisible()).toBe(false);
    await conversation.getByRole('heading').press('Escape');
    expect(await conversation.isHidden()).toBe(true);
  });

  it('marks the searched word in message bodies, as text (a body’s markup stays text)', async () => {
    const detail = page.getByTestId('connector-detail');
    await detail.getByLabel('Search', { exact: true }).fill('zebrafish');
    await detail.getByLabel('Search', { exact: true }).press('Enter');
    await expectText(detail.locator('.tickets > .muted'), /^1 ticket/);
    await detail.locator('.ticket-list .ticket').first().click();
    const conversation = detail.locator('.conversation');
    await expectText(conversation.getByRole('heading'), new RegExp(`#${hostile} Order question`));
    const body = conversation.locator('.message-body').last();
    await expectText(body, /Where is my <b>zebrafish<\/b> order\? <img src=x onerror="window.__xss=1"> Zebrafish tank too\./);
    await expect(body.locator('mark').allTextContents()).resolves.toEqual(['zebrafish', 'Zebrafish']);
    expect(await conversation.locator('b, img').count()).toBe(0); // no element from the body
    expect(await page.evaluate(() => (window as any).__xss)).toBeUndefined();
    await screenIsSound();
    await shot('12-search-highlight.png');
    await conversation.getByRole('heading').press('Escape');
    await detail.getByLabel('Search', { exact: true }).fill('');
    await detail.getByLabel('Search', { exact: true }).press('Enter');
  });

  it('names the schedule as it is (no interval that changes nothing), and cancels a running sync without pausing', async () => {
    const detail = page.getByTestId('connector-detail');
    // The poll runs every SYNC_POLL_SECONDS webhooks or not; an interval (5 min at least) that only caps it is not offered.
    await expectText(page.getByTestId('fact-schedule'), /^polls Gorgias about every (1 min|[\d.]+ s)/);
    expect(await page.getByTestId('fact-schedule').textContent()).not.toMatch(/at least every|every 15 min/);
    await detail.getByRole('button', { name: 'Edit' }).click();
    await page.getByRole('heading', { name: 'Edit Gorgias (ops)' }).waitFor();
    expect(await page.locator('form.connector-form select').count()).toBe(0);
    expect(await page.locator('form.connector-form').textContent()).not.toMatch(/Full check|interval/i);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('connector-detail').waitFor();

    acct.setFaults({ slowMs: 1500 }); // long enough to cancel it midway
    await page.getByTestId('connector-detail').getByRole('button', { name: 'Full resync' }).click();
    const dialog = page.getByRole('dialog', { name: 'Run a full resync?' });
    await expectText(dialog, /reads every ticket and message/);
    expect(await seriousViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Run full resync' }).click();
    // Pause during a run asks first; saying no keeps it running.
    await page.getByTestId('connector-detail').getByRole('button', { name: 'Cancel sync' }).waitFor(); // the panel of the running sync
    await page.getByTestId('connector-detail').getByRole('button', { name: 'Pause' }).click();
    const pause = page.getByRole('dialog', { name: 'Pause during a sync?' });
    await expectText(pause, /running sync is cancelled/);
    await pause.getByRole('button', { name: 'Cancel', exact: true }).click();
    expect((await t.gql('query($id: ID!) { connector(id: $id) { status } }', { id: connectorId }, admin())).data.connector.status).toBe(
      'ACTIVE',
    );
    await page.getByTestId('connector-detail').getByRole('button', { name: 'Cancel sync' }).click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="progress"]') as HTMLElement)?.dataset.status === 'CANCELLED');
    acct.setFaults({});
    await expectText(page.locator('.connector-item'), /Gorgias \(ops\)[\s\S]*Status: active/);
    await expectText(page.getByTestId('connector-detail').locator('.runs tr[data-run]').first(), /CANCELLED/);
    await screenIsSound();
  });

  it('runs history pages beyond 20 runs, one tab stop for all their Log buttons', async () => {
    const RUNS = `query($id: ID!) { syncRuns(connectorId: $id, first: 1) { totalCount } }`;
    while ((await t.gql(RUNS, { id: connectorId }, admin())).data.syncRuns.totalCount < 22) {
      const run = (await t.gql(`mutation($id: ID!) { triggerSync(connectorId: $id) { id } }`, { id: connectorId }, admin())).data
        .triggerSync;
      await waitForRun(t, admin(), connectorId, run.id);
    }
    const total = (await t.gql(RUNS, { id: connectorId }, admin())).data.syncRuns.totalCount;
    const detail = page.getByTestId('connector-detail');
    await detail.getByRole('tab', { name: 'Sync log' }).click();
    await detail.getByRole('tab', { name: 'Runs' }).click();
    // By default the polls that changed nothing are hidden: the initial sync stays in view.
    const QUIET = `query($id: ID!) { syncRuns(connectorId: $id, first: 1, includeQuiet: false) { totalCount } }`;
    const shown = (await t.gql(QUIET, { id: connectorId }, admin())).data.syncRuns.totalCount;
    expect(shown).toBeLessThan(total);
    await expectText(detail.locator('.runs caption'), new RegExp(`^${shown} of ${shown} runs that changed data`));
    await expectText(detail.locator('.runs tr[data-run]').last(), /initial/);
    await detail.getByLabel('Show syncs that changed nothing').check();
    await expectText(detail.locator('.runs caption'), new RegExp(`^20 of ${total} runs, newest first`));
    await detail.getByRole('button', { name: 'Show older runs' }).click();
    await expectText(detail.locator('.runs caption'), new RegExp(`^${total} of ${total} runs`));
    await expectText(detail.locator('.runs tr[data-run]').last(), /initial/);
    const logs = detail.getByRole('button', { name: /^Log of the run/ });
    await expect(logs.count()).resolves.toBe(total);
    await expect(detail.locator('button.log-link[tabindex="0"]').count()).resolves.toBe(1);
    await logs.first().focus();
    await page.keyboard.press('ArrowDown');
    await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).resolves.toBe(
      await logs.nth(1).getAttribute('aria-label'),
    );
  });

  it('a record the database refuses is listed under Refused records with its Gorgias id and the reason', async () => {
    // What no cleaning can fix (a date PostgreSQL cannot read), as test/e2e/sync/poison-records does.
    const bad = acct.createTicket({ subject: 'Bad date', opened_datetime: 'the day before yesterday' } as any);
    const detail = page.getByTestId('connector-detail');
    await detail.getByRole('tab', { name: 'Refused records' }).click();
    await expectText(detail.getByRole('tabpanel'), /No refused records/);
    await detail.getByRole('button', { name: 'Sync now' }).click();
    const QUARANTINE = `query($id: ID!) { syncQuarantine(connectorId: $id) { externalId reason } }`;
    await eventually(async () => (await t.gql(QUARANTINE, { id: connectorId }, admin())).data.syncQuarantine.length > 0);
    const [refused] = (await t.gql(QUARANTINE, { id: connectorId }, admin())).data.syncQuarantine;
    expect(refused.externalId).toBe(String(bad.id));
    // The panel is read again when the run ends (the page is rebuilt on the same tab).
    const row = page.getByTestId('connector-detail').getByRole('list', { name: 'Refused records' }).getByRole('listitem');
    await expectText(row, new RegExp(`ticket #${bad.id} · refused \\d+ times?, last`, 'i'));
    await expectText(row.locator('p'), new RegExp(refused.reason.slice(0, 40).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    await screenIsSound();
    await shot('11-refused-records.png');
  });

  it('a sync waiting to retry after a Gorgias failure: Retry now starts it at once', async () => {
    acct.setFaults({ errorRate: 1 }); // every call answered 5xx: the run's first attempt fails
    const detail = () => page.getByTestId('connector-detail');
    await detail().getByRole('tab', { name: 'Runs' }).click();
    await detail().getByRole('button', { name: 'Sync now' }).click();
    // The run waits 30 s before its next attempt; the page says so and offers Retry now.
    const retry = detail().getByRole('button', { name: 'Retry now' });
    await retry.waitFor({ timeout: 30_000 });
    await expectText(detail().getByTestId('progress'), /^Sync retrying[\s\S]*attempt 2, next try in [\d.]+ s[\s\S]*last error: /);
    await expectText(page.locator('.connector-item'), /Sync: retrying/);
    await screenIsSound();
    acct.setFaults({});
    await retry.click();
    await page.waitForFunction(
      () => (document.querySelector('[data-testid="progress"]') as HTMLElement)?.dataset.status === 'SUCCEEDED',
      undefined,
      { timeout: 20_000 }, // well before the 30 s the run would have waited
    );
    await expectText(detail().locator('.runs tr[data-run]').first(), /SUCCEEDED/);
    await page.waitForFunction(() => ![...document.querySelectorAll('button')].some((b) => b.textContent === 'Retry now'));
  });

  it('rotates the webhook secret: the new one is shown once, and the webhook registered in Gorgias carries it', async () => {
    const realtime = page.getByTestId('realtime');
    await expectText(realtime, /Real-time updates: webhooks/);
    const old = acct.integrations()[0].http.headers.Authorization;
    await realtime.getByRole('button', { name: 'Rotate webhook secret' }).click();
    await expectText(realtime, /The new secret, shown this once[\s\S]*registered in Gorgias was given it/);
    const secret = (await realtime.locator('code.secret').textContent())!.trim();
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(acct.integrations()[0].http.headers.Authorization).toBe(`Bearer ${secret}`);
    // The secret the gateway now expects: a delivery with it is taken, one with the old is refused.
    const post = (authorization: string) =>
      fetch(`${t.url}/webhooks/gorgias/${connectorId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization },
        body: '{"ticket_id":"1"}',
      }).then((r) => r.status);
    expect(await post(old)).toBe(401);
    expect(await post(`Bearer ${secret}`)).toBe(202);
    await screenIsSound();
  });

  it('deletes the connector after a confirmation that names what is removed', async () => {
    await page.getByTestId('connector-detail').getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete Gorgias (ops)?' });
    await expectText(dialog, /ops\.gorgias\.com and everything it copied: [\d,]+ tickets, [\d,]+ messages, its sync runs and sync log/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await t.gql('{ connectors { id } }', {}, admin())).data.connectors).toHaveLength(1);
    await page.getByTestId('connector-detail').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete connector and its data' }).click();
    await page.getByRole('heading', { name: 'Add a Gorgias connector' }).waitFor();
    expect((await t.gql('{ connectors { id } }', {}, admin())).data.connectors).toEqual([]);
  });

  it('an expired session returns to sign-in with a plain message', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInByLink(t.token('ops', 'admin', 3));
    await page.waitForFunction(() => document.body.dataset.signedIn === 'false', undefined, { timeout: 30_000 });
    await expectText(page.locator('#token-error'), /Your session expired\. Paste a new token/);
    await screenIsSound();
  });
});
