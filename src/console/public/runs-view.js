import { Q } from './api.js';
import { badge, duration, el, num, showError, STATUS_TONE, when } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, ...children) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
};

const seconds = (run) => (run.startedAt && run.finishedAt ? (new Date(run.finishedAt) - new Date(run.startedAt)) / 1000 : null);
const records = (run) => run.ticketsSynced + run.messagesSynced;

/** Two small bar charts, oldest run on the left: records written and duration of each run. */
export function runsChart(runs) {
  const data = runs
    .filter((r) => r.finishedAt)
    .slice(0, 20)
    .reverse();
  const W = 320,
    H = 90,
    PAD = 18;
  const chart = (title, value, format, cls) => {
    const max = Math.max(1, ...data.map(value));
    const step = data.length ? (W - 2 * PAD) / data.length : 0;
    const bars = data.map((r, i) => {
      const v = value(r) ?? 0;
      const h = Math.max(1, ((H - 2 * PAD) * v) / max);
      return svg(
        'rect',
        { x: PAD + i * step + 2, y: H - PAD - h, width: Math.max(2, step - 4), height: h, class: `${cls} run-${r.status.toLowerCase()}` },
        svg('title', {}, `${when(r.startedAt)}: ${format(v)} (${r.status.toLowerCase()})`),
      );
    });
    return svg(
      'svg',
      {
        viewBox: `0 0 ${W} ${H}`,
        width: W,
        height: H,
        role: 'img',
        'aria-label': `${title}, last ${data.length} runs, up to ${format(max)}`,
        class: 'chart',
      },
      svg('text', { x: PAD, y: 12, class: 'chart-title' }, `${title} (max ${format(max)})`),
      svg('line', { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, class: 'axis' }),
      ...bars,
    );
  };
  return el(
    'div',
    { class: 'charts', 'data-testid': 'runs-chart' },
    chart('Records per run', records, num, 'bar-records'),
    chart('Duration per run', seconds, duration, 'bar-duration'),
  );
}

export function runsView(api, connector, { openLog = () => undefined } = {}) {
  const body = el('div', { class: 'runs-body' }, el('p', {}, 'Loading runs…'));
  const root = el('div', { class: 'runs' }, body);

  async function load() {
    try {
      const { syncRuns } = await api.gql(Q.runs, { id: connector.id });
      const rows = syncRuns.nodes.map((r) =>
        el(
          'tr',
          {},
          el('td', {}, when(r.startedAt ?? r.createdAt)),
          el('td', {}, r.mode.toLowerCase()),
          el('td', {}, badge(r.status, STATUS_TONE[r.status], 'Run status')),
          el('td', { class: 'n' }, num(r.ticketsSynced)),
          el('td', { class: 'n' }, num(r.messagesSynced)),
          el('td', { class: 'n' }, num(r.ticketsDeleted)),
          el('td', { class: 'n' }, num(r.apiRequests)),
          el('td', { class: 'n' }, duration(seconds(r))),
          el('td', { class: 'wrap' }, r.error ?? ''),
          el(
            'td',
            {},
            el(
              'button',
              {
                type: 'button',
                class: 'link',
                'aria-label': `Log of the run started ${when(r.startedAt ?? r.createdAt)}`,
                onclick: () => openLog(r.id),
              },
              'Log',
            ),
          ),
        ),
      );
      body.replaceChildren(
        syncRuns.nodes.some((r) => r.finishedAt)
          ? runsChart(syncRuns.nodes)
          : el('p', { class: 'muted' }, 'The charts appear when the first run has finished.'),
        el(
          'table',
          { class: 'table' },
          el('caption', {}, `${num(syncRuns.totalCount)} run${syncRuns.totalCount === 1 ? '' : 's'}, newest first`),
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ...['Started', 'Mode', 'Status', 'Tickets', 'Messages', 'Deleted', 'API calls', 'Duration', 'Error', 'Log'].map((h) =>
                el('th', { scope: 'col' }, h),
              ),
            ),
          ),
          el('tbody', {}, rows),
        ),
      );
    } catch (e) {
      showError(body, e);
    }
  }
  load();
  return { root, refresh: load };
}
