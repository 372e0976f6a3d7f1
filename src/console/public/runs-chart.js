/** Two small bar charts of the latest runs (records written, duration), with the figures in words. */
import { duration, el, num, when } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attrs = {}, ...children) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
};

export const seconds = (run) => (run.startedAt && run.finishedAt ? (new Date(run.finishedAt) - new Date(run.startedAt)) / 1000 : null);
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
  const failed = data.filter((r) => r.status === 'FAILED').length;
  const times = data
    .map(seconds)
    .filter((v) => v !== null)
    .sort((a, b) => a - b);
  const median = times.length ? times[Math.floor(times.length / 2)] : null;
  return el(
    'div',
    { class: 'charts', 'data-testid': 'runs-chart' },
    el(
      'p',
      { class: 'chart-summary' },
      `Last ${data.length} finished run${data.length === 1 ? '' : 's'}: ${failed} failed, median ${duration(median)}. Oldest on the left; failed runs in red.`,
    ),
    chart('Records per run', records, num, 'bar-records'),
    chart('Duration per run', seconds, duration, 'bar-duration'),
  );
}
