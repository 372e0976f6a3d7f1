import { Q } from './api.js';
import { badge, el, num, showError, STATUS_TONE, when } from './dom.js';

/** The connector's sync log, newest first, filtered by level (and by run when opened from one), 50 lines a page. */
export function logsView(api, connector, { runId = null } = {}) {
  const level = el(
    'select',
    { id: 'log-level', name: 'level' },
    el('option', { value: '' }, 'All levels'),
    el('option', { value: 'INFO' }, 'Info'),
    el('option', { value: 'WARN' }, 'Warnings'),
    el('option', { value: 'ERROR' }, 'Errors'),
  );
  const list = el('ol', { class: 'log', 'aria-label': 'Sync log lines' });
  const summary = el('p', { class: 'muted', 'aria-live': 'polite' }, 'Loading the sync log…');
  const hint = el('p', { class: 'hint', hidden: true });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more');
  const errors = el('div');
  let after = null;

  async function load(append) {
    try {
      const { syncLogs } = await api.gql(Q.logs, { id: connector.id, level: level.value || null, runId, after: append ? after : null });
      const lines = syncLogs.nodes.map((l) =>
        el(
          'li',
          { class: `log-${l.level.toLowerCase()}` },
          el('time', { datetime: l.at }, when(l.at)),
          ' ',
          badge(l.level, STATUS_TONE[l.level === 'ERROR' ? 'ERROR_LEVEL' : l.level], 'Level'),
          ' ',
          el('span', { class: 'wrap' }, l.message),
        ),
      );
      if (append) list.append(...lines);
      else list.replaceChildren(...lines);
      after = syncLogs.pageInfo.endCursor;
      more.hidden = !syncLogs.pageInfo.hasNextPage;
      const n = syncLogs.totalCount;
      summary.textContent = `${num(n)} ${level.value ? level.value.toLowerCase() + ' ' : ''}line${n === 1 ? '' : 's'}${runId ? ' of one run' : ''}`;
      // While Gorgias is unreachable the sync retries: those lines are warnings, not errors.
      hint.hidden = level.value !== 'ERROR';
      hint.textContent =
        'Errors are what stopped a sync. Retries while Gorgias is slow or unreachable are Warnings: choose Warnings to see them.';
      errors.replaceChildren();
    } catch (e) {
      showError(errors, e);
    }
  }
  level.addEventListener('change', () => load(false));
  more.addEventListener('click', () => load(true));
  const allRuns = el('button', { type: 'button', class: 'link', hidden: !runId }, 'Show all runs');
  allRuns.addEventListener('click', () => {
    runId = null;
    allRuns.hidden = true;
    load(false);
  });
  load(false);
  const root = el(
    'div',
    { class: 'logs' },
    el('div', { class: 'toolbar' }, el('label', { for: 'log-level' }, 'Level'), level, summary, allRuns),
    hint,
    errors,
    list,
    more,
  );
  return { root, refresh: () => load(false) };
}
