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

/** The number in a text such as "1,234 tickets" (the first one). */
export const firstNumber = (text: string | null) => Number((text ?? '').match(/([\d,]+)/)?.[1].replace(/,/g, '') ?? NaN);

/** The figures of the current run as the bar, the running row of Runs, and "This sync" show them, read at one instant. */
export const liveFigures = (page: Page) =>
  page.evaluate(() => {
    const p = document.querySelector('[data-testid="progress"]') as HTMLElement;
    const row = document.querySelector('.runs tr[data-run]');
    const cells = row ? [...row.querySelectorAll('td.n')].map((td) => td.textContent) : [];
    return {
      status: p.dataset.status,
      bar: `${p.dataset.tickets}/${p.dataset.messages}`,
      row: `${(cells[0] ?? '').replace(/,/g, '')}/${(cells[1] ?? '').replace(/,/g, '')}`,
      facts: document.querySelector('[data-testid="fact-this-sync"]')?.textContent ?? '',
      label: p.querySelector('.progress-label')?.textContent ?? '',
    };
  });
