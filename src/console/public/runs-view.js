import { Q } from './api.js';
import { badge, duration, el, num, showError, STATUS_TONE, when } from './dom.js';
import { runsChart, seconds } from './runs-chart.js';

const HEADERS = ['Started', 'Mode', 'Status', 'Tickets', 'Messages', 'Deleted', 'API calls', 'Duration', 'Log'];

/** A run's error, shortened with a control to read it whole, on its own line under the row. */
function errorRow(r) {
  if (!r.error) return null;
  const short = r.error.length > 120 ? `${r.error.slice(0, 117)}…` : null;
  const text = el('span', { class: 'wrap' }, short ?? r.error);
  const more = short
    ? el(
        'button',
        {
          type: 'button',
          class: 'link',
          'aria-expanded': 'false',
          onclick: (e) => {
            const open = e.target.getAttribute('aria-expanded') !== 'true';
            text.textContent = open ? r.error : short;
            e.target.setAttribute('aria-expanded', String(open));
            e.target.textContent = open ? 'Show less' : 'Show all';
          },
        },
        'Show all',
      )
    : null;
  return el(
    'tr',
    { class: 'run-error' },
    el('td', { colspan: HEADERS.length }, el('span', { class: 'muted' }, 'Error: '), text, ' ', more),
  );
}

/** Runs of the connector, newest first, 20 a page ("Show older runs"); the running one follows the live figures. */
export function runsView(api, connector, { openLog = () => undefined } = {}) {
  const body = el('div', { class: 'runs-body' }, el('p', {}, 'Loading runs…'));
  const root = el('div', { class: 'runs' }, body);
  const cells = new Map(); // runId -> { status, tickets, messages }
  let runs = [];
  let page = null;
  const reread = new Set();
  let latest = null; // the last progress event: a row loaded after it shows its figures, not the older saved ones

  function row(r, isFirstEver) {
    const retrying = r.status === 'QUEUED' && r.error;
    const status = el(
      'td',
      {},
      retrying
        ? badge(`RETRYING${r.retry ? ` (attempt ${r.retry.attempt + 1})` : ''}`, 'warn', 'Run status')
        : badge(r.status, STATUS_TONE[r.status], 'Run status'),
    );
    const tickets = el('td', { class: 'n' }, num(r.ticketsSynced));
    const messages = el('td', { class: 'n' }, num(r.messagesSynced));
    cells.set(r.id, { status, tickets, messages });
    const started = when(r.startedAt ?? r.createdAt);
    return [
      el(
        'tr',
        { 'data-run': r.id },
        el('td', {}, started),
        el('td', {}, isFirstEver && r.mode === 'INCREMENTAL' ? 'initial' : r.mode.toLowerCase()),
        status,
        tickets,
        messages,
        el('td', { class: 'n' }, num(r.ticketsDeleted)),
        el('td', { class: 'n' }, num(r.apiRequests)),
        el('td', { class: 'n' }, duration(seconds(r))),
        el(
          'td',
          {},
          el(
            'button',
            { type: 'button', class: 'link log-link', 'aria-label': `Log of the run started ${started}`, onclick: () => openLog(r.id) },
            'Log',
          ),
        ),
      ),
      errorRow(r),
    ];
  }

  /** One tab stop for all the Log buttons (roving tabindex): arrow keys move between runs. */
  function rove(table) {
    const logs = [...table.querySelectorAll('button.log-link')];
    logs.forEach((b, i) => (b.tabIndex = i === 0 ? 0 : -1));
    table.addEventListener('keydown', (e) => {
      const i = logs.indexOf(document.activeElement);
      const next = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: logs.length - 1 }[e.key];
      if (i < 0 || next === undefined || !logs[next]) return;
      e.preventDefault();
      logs[i].tabIndex = -1;
      logs[next].tabIndex = 0;
      logs[next].focus();
    });
    return table;
  }

  function render() {
    if (!runs.length) {
      body.replaceChildren(el('p', { class: 'muted' }, 'No runs yet: Save & Activate starts the first sync.'));
      return;
    }
    const more = page.pageInfo.hasNextPage
      ? el('button', { type: 'button', class: 'secondary', onclick: () => load(true) }, 'Show older runs')
      : null;
    body.replaceChildren(
      runs.some((r) => r.finishedAt) ? runsChart(runs) : el('p', { class: 'muted' }, 'The charts appear when the first run has finished.'),
      el(
        'div',
        { class: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': 'Runs table (scrolls sideways)' },
        rove(
          el(
            'table',
            { class: 'table' },
            el('caption', {}, `${num(runs.length)} of ${num(page.totalCount)} run${page.totalCount === 1 ? '' : 's'}, newest first`),
            el('thead', {}, el('tr', {}, ...HEADERS.map((h) => el('th', { scope: 'col' }, h)))),
            el(
              'tbody',
              {},
              runs.map((r, i) => row(r, !page.pageInfo.hasNextPage && i === runs.length - 1)),
            ),
          ),
        ),
      ),
      more ?? '',
    );
  }

  async function load(append) {
    try {
      const { syncRuns } = await api.gql(Q.runs, { id: connector.id, after: append ? page?.pageInfo.endCursor : null });
      runs = append ? [...runs, ...syncRuns.nodes] : syncRuns.nodes;
      page = syncRuns;
      cells.clear();
      render();
      if (latest) apply(latest);
    } catch (e) {
      showError(body, e);
    }
  }
  load(false);
  return {
    root,
    refresh: () => load(false),
    /** A progress event: the running run's row reads the bar's figures. */
    live(p) {
      latest = p;
      apply(p);
    },
  };
  function apply(p) {
    const c = cells.get(p.runId);
    if (!c) return;
    // A run that ended: read the runs again (its duration, the chart), once.
    if (
      ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(p.status) &&
      !reread.has(p.runId) &&
      runs.some((r) => r.id === p.runId && !r.finishedAt)
    ) {
      reread.add(p.runId);
      load(false);
    }
    c.status.replaceChildren(badge(p.status, STATUS_TONE[p.status], 'Run status'));
    c.tickets.textContent = num(p.ticketsSynced);
    c.messages.textContent = num(p.messagesSynced);
  }
}
