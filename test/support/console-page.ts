import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** Waits (up to 20 s) until the locator's text matches. */
export async function expectText(locator: ReturnType<Page['locator']>, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 20_000;
  let last = '';
  for (;;) {
    last =
      (await locator
        .first()
        .textContent({ timeout: 20_000 })
        .catch(() => '')) ?? '';
    if (pattern.test(last)) return;
    if (Date.now() > deadline) throw new Error(`expected ${pattern} in: ${last.slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let axeSource: string | null = null;

/**
 * axe-core's WCAG 2 A/AA checks of the page as it is: the serious and critical violations.
 * Evaluated through the DevTools protocol, which CSP does not govern: the page itself stays strict.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (window as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations
      .filter((v: any) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v: any) =>
          `${v.id}: ${v.help} (${v.nodes
            .map((n: any) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')})`,
      );
  });
}

/** The page's width beyond the viewport: 0 when nothing scrolls sideways. */
export const horizontalOverflow = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** Tab labels not wholly visible: clipped by their own box, or outside their tab list's or the window's. */
export const clippedTabs = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll('[role="tablist"]')].flatMap((list) => {
      const box = list.getBoundingClientRect();
      return [...list.querySelectorAll('[role="tab"]')]
        .filter((tab) => {
          const r = tab.getBoundingClientRect();
          const clippedInside = tab.scrollWidth > tab.clientWidth;
          const outside = r.left < box.left || r.right > box.right + 0.5 || r.right > window.innerWidth;
          return clippedInside || outside;
        })
        .map((tab) => tab.textContent);
    }),
  );

/** The number in a text such as "1,234 tickets" (the first one). */
export const firstNumber = (text: string | null) => Number((text ?? '').match(/([\d,]+)/)?.[1].replace(/,/g, '') ?? NaN);

/** The figures of the current run as the bar, the running row of Runs, and "This sync" show them, read at one instant. */
export const liveFigures = (page: Page) =>
  page.evaluate(() => {
    const p = document.querySelector('[data-testid="progress"]') as HTMLElement;
    const row = document.querySelector('.runs tr[data-run]');
    const cells = row ? [...row.querySelectorAll('td.n')].map((td) => td.textContent) : [];
    const fill = p.querySelector('.bar-fill') as HTMLElement;
    const label = p.querySelector('.progress-label')?.textContent ?? '';
    const syncing = (sel: string) => /Sync: (syncing|retrying)/.test(document.querySelector(sel)?.textContent ?? '');
    return {
      /** The percent as the label, aria-valuenow and the bar's width say it. */
      percents: [
        Number(label.match(/^(\d+)%/)?.[1]),
        Number(p.querySelector('[role="progressbar"]')?.getAttribute('aria-valuenow')),
        Math.round(parseFloat(fill.style.width)),
      ],
      /** The bar drawn full (not on its way there). */
      full: Math.abs(fill.getBoundingClientRect().width - (fill.parentElement as HTMLElement).clientWidth) <= 1,
      badges: { heading: syncing('[data-testid="connector-detail"] .detail-head'), list: syncing('.connector-item[aria-current="true"]') },
      status: p.dataset.status,
      bar: `${p.dataset.tickets}/${p.dataset.messages}`,
      row: `${(cells[0] ?? '').replace(/,/g, '')}/${(cells[1] ?? '').replace(/,/g, '')}`,
      facts: document.querySelector('[data-testid="fact-this-sync"]')?.textContent ?? '',
      label: p.querySelector('.progress-label')?.textContent ?? '',
    };
  });

/**
 * Watches the connector page from now on, frame by frame, and keeps every picture in which the progress bar, its
 * label, the badges of the page and of the list disagree: the percent written three ways, a
 * finished bar not full (or still gliding), "of about" on a finished run, "syncing" beside a
 * finished run. `stop` returns what was seen.
 */
export async function watchAgreement(
  page: Page,
): Promise<{ stop(): Promise<{ pictures: number; finished: number; disagreements: string[] }> }> {
  await page.evaluate(() => {
    const seen = { pictures: 0, finished: 0, disagreements: [] as string[] };
    const look = () => {
      const p = document.querySelector('[data-testid="progress"]') as HTMLElement | null;
      const fill = p?.querySelector('.bar-fill') as HTMLElement | null;
      const meter = p?.querySelector('[role="progressbar"]');
      const label = p?.querySelector('.progress-label')?.textContent ?? '';
      if (!p || !fill || !meter || p.hidden || !/^\d+%/.test(label)) return;
      seen.pictures++;
      const status = p.dataset.status ?? '';
      const says = Number(label.match(/^(\d+)%/)![1]);
      const now = Number(meter.getAttribute('aria-valuenow'));
      const set = Math.round(parseFloat(fill.style.width));
      const head = document.querySelector('[data-testid="connector-detail"] .detail-head')?.textContent ?? '';
      const item = document.querySelector('.connector-item[aria-current="true"]')?.textContent ?? '';
      const wrong: string[] = [];
      if (says !== now || now !== set) wrong.push(`percent ${says} / ${now} / ${set}`);
      if (['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(status)) {
        seen.finished++;
        const track = (fill.parentElement as HTMLElement).clientWidth;
        const drawn = fill.getBoundingClientRect().width;
        if (Math.abs(drawn - (track * now) / 100) > 2) wrong.push(`bar drawn ${drawn.toFixed(0)} of ${track} px at ${now}%`);
        if (/of about/.test(label)) wrong.push('"of about" on a finished run');
        if (/Sync: (syncing|retrying)/.test(head)) wrong.push('"syncing" in the heading');
        if (/Sync: (syncing|retrying)/.test(item)) wrong.push('"syncing" in the list');
      } else if (status === 'RUNNING') {
        if (!/Sync: syncing/.test(head)) wrong.push('no "syncing" in the heading');
        if (!/Sync: syncing/.test(item)) wrong.push('no "syncing" in the list');
      }
      if (wrong.length) seen.disagreements.push(`${status} "${label}": ${wrong.join('; ')}`);
    };
    // Every frame, as the operator sees it (a change and its follow-up in one task are never painted apart).
    const state = { on: true };
    const frame = () => {
      if (!state.on) return;
      look();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    (window as any).__agreement = { seen, state };
  });
  return {
    stop: () =>
      page.evaluate(() => {
        const a = (window as any).__agreement;
        a.state.on = false;
        return a.seen;
      }),
  };
}
