import { checkResult } from './check-result.js';
import { el, showError } from './dom.js';

/**
 * Runs a connection check that the operator can stop: Gorgias may take long to answer (down, or
 * rate-limiting the account), and nobody should have to wait it out. `ask(signal)` sends the
 * request; Cancel aborts it (the gateway's own check ends by itself; nothing is saved by a test).
 * Shows the check's answer, the error, or what cancelling means, in `result`.
 */
export async function runCheck(result, ask) {
  const controller = new AbortController();
  const started = Date.now();
  const stop = el('button', { type: 'button', class: 'secondary', onclick: () => controller.abort() }, 'Cancel test');
  result.replaceChildren(
    el(
      'div',
      { class: 'check-waiting' },
      el('p', { class: 'muted' }, 'Testing the connection with Gorgias… (a few seconds; longer if Gorgias is slow or rate-limiting)'),
      stop,
    ),
  );
  try {
    result.replaceChildren(checkResult(await ask(controller.signal)));
  } catch (e) {
    if (e.code !== 'ABORTED') return showError(result, e);
    const waited = Math.round((Date.now() - started) / 1000);
    result.replaceChildren(
      el(
        'p',
        { class: 'check check-cancelled', role: 'status' },
        `Test cancelled after ${waited} s: Gorgias had not answered. Nothing was saved. Gorgias may be slow or down (see status.gorgias.com), or rate-limiting this account; try again in a minute.`,
      ),
    );
  }
}
