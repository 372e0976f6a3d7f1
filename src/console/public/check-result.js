import { el } from './dom.js';

/** Test Connection's (or Save & Activate's) answer: one sentence, the guide's code, and what can be read. */
export function checkResult(check) {
  return el(
    'div',
    { class: `check ${check.ok ? 'check-ok' : 'check-bad'}`, role: check.ok ? 'status' : 'alert', 'data-code': check.code },
    el('p', {}, el('strong', {}, check.ok ? 'Connected' : `Connection failed: ${check.code}`)),
    el('p', {}, check.message),
    check.ok
      ? el(
          'ul',
          { class: 'abilities' },
          el('li', {}, `${check.canReadTickets ? '✓' : '✗'} can read tickets`),
          el('li', {}, `${check.canReadMessages ? '✓' : '✗'} can read messages`),
        )
      : null,
  );
}
