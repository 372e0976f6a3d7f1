import type { Page } from 'playwright-core';
import { GorgiasSimulator, SimAccount, startGorgiasSimulator } from '../../gorgias-simulator';
import { hasChromium, launchChromium } from '../../support/browser';
import { expectText, seriousViolations } from '../../support/console-page';
import { createAndActivate, waitForRun } from '../../support/sync-helpers';
import { startTestApp, TestApp } from '../../support/test-app';

/** The console's Verification tab: reports beside the runs, "Verify now", "Re-sync this ticket"; admin only. */
const describeInBrowser = hasChromium ? describe : describe.skip;

describeInBrowser('operator console: verification', () => {
  let sim: GorgiasSimulator;
  let acct: SimAccount;
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  const token = (role: 'admin' | 'reader') => t.token('vconsole', role);

  beforeAll(async () => {
    sim = await startGorgiasSimulator({ port: 0, rateLimit: false });
    acct = sim.addAccount({
      subdomain: 'vconsole',
      email: 'admin@vconsole.test',
      apiKey: 'sim-key-vconsole',
      seed: 3,
      tickets: 20,
      messagesPerTicket: 2,
    });
    t = await startTestApp({ env: { GORGIAS_BASE_URL: sim.baseUrlTemplate, SYNC_SCHEDULER_ENABLED: 'true', SYNC_TICK_SECONDS: '1' } });
    const id = await createAndActivate(t, token('admin'), {
      email: 'admin@vconsole.test',
      apiKey: 'sim-key-vconsole',
      subdomain: 'vconsole',
    });
    expect((await waitForRun(t, token('admin'), id)).status).toBe('SUCCEEDED');
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await sim?.close();
  });

  const open = async (role: 'admin' | 'reader', tab = 'Verification') => {
    await page.goto(`${t.url}/console`);
    await page.evaluate((tok) => (location.hash = `token=${tok}`), token(role));
    await page.waitForFunction(() => document.body.dataset.signedIn === 'true');
    const detail = page.getByTestId('connector-detail');
    await detail.getByRole('tab', { name: tab }).click();
    return detail.getByTestId('verification-view');
  };
  /** Opens the first listed ticket's conversation; returns it and the ticket's Gorgias id. */
  const openConversation = async () => {
    const detail = page.getByTestId('connector-detail');
    await detail.locator('.ticket-list .ticket').first().click();
    const conversation = detail.locator('.conversation');
    await expectText(conversation.getByTestId('message-count'), /message/);
    const externalId = Number(/^#(\d+)/.exec((await conversation.getByRole('heading').textContent()) ?? '')?.[1]);
    return { conversation, externalId };
  };

  it('an admin verifies now and reads the report; re-syncs one ticket by its Gorgias id', async () => {
    const view = await open('admin');
    await expectText(view, /No verification yet/);
    await view.getByRole('button', { name: 'Verify now' }).click();
    await expectText(view.getByTestId('verification').first(), /SUCCEEDED · manual · everything[\s\S]*Tickets: 20 compared, 0 missing/);
    expect(await seriousViolations(page)).toEqual([]);
    const ticket = acct.snapshot().tickets[3];
    await view.getByLabel('Gorgias ticket id').fill(String(ticket.id));
    await view.getByRole('button', { name: 'Re-sync this ticket' }).click();
    await expectText(view, new RegExp(`Ticket #${ticket.id} re-synced`));
  });

  it('an admin re-syncs the open ticket from its conversation, which reloads; a ticket gone from Gorgias is marked deleted', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await open('admin', 'Tickets');
    const { conversation, externalId } = await openConversation();
    acct.updateTicket(externalId, { subject: 'Renamed in Gorgias' });
    await conversation.getByRole('button', { name: 'Re-sync this ticket' }).click();
    await expectText(conversation.getByRole('heading'), new RegExp(`^#${externalId} Renamed in Gorgias`));
    await expectText(conversation.getByTestId('resync-result'), /Re-read from Gorgias/);
    expect(await seriousViolations(page)).toEqual([]);

    acct.deleteTicket(externalId);
    await conversation.getByRole('button', { name: 'Re-sync this ticket' }).click();
    await expectText(conversation.getByTestId('resync-result'), /no longer exists in Gorgias: it is now marked deleted/);
    await expectText(conversation, /deleted or trashed in Gorgias/);
  });

  it('a reader sees the reports, and the buttons disabled, marked admin only', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    const view = await open('reader');
    await expectText(view.getByTestId('verification').first(), /SUCCEEDED/);
    for (const name of ['Verify now (admin only)', 'Re-sync this ticket (admin only)']) {
      expect(await view.getByRole('button', { name }).isDisabled()).toBe(true);
    }
    await page.getByTestId('connector-detail').getByRole('tab', { name: 'Tickets' }).click();
    const { conversation } = await openConversation();
    expect(await conversation.getByRole('button', { name: 'Re-sync this ticket (admin only)' }).isDisabled()).toBe(true);
  });
});
