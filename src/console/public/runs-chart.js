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
  // The value of the bar in focus (keyboard) or last tapped, in words under the charts: a <title>
  // shows only on hover, which neither a keyboard nor a finger has.
  const shown = el(
    'p',
    { class: 'chart-value', 'aria-live': 'polite', 'data-testid': 'chart-value' },
    'Tab to a chart, then use the arrow keys (or tap a bar) to read each run’s value.',
  );
  const chart = (title, value, format, cls) => {
    const max = Math.max(1, ...data.map(value));
    const step = data.length ? (W - 2 * PAD) / data.length : 0;
    const bars = data.map((r, i) => {
      const v = value(r) ?? 0;
      const h = Math.max(1, ((H - 2 * PAD) * v) / max);
      const words = `${title.replace(/ per run$/, '')}: ${format(v)}, run started ${when(r.startedAt)} (${r.status.toLowerCase()})`;
      // Full height, so that a finger finds a short bar; the drawn bar is the rect inside.
      return svg(
        'g',
        { class: 'chart-bar', role: 'img', 'aria-label': words, tabindex: i === data.length - 1 ? 0 : -1, 'data-value': words },
        svg('rect', { x: PAD + i * step, y: PAD, width: Math.max(2, step), height: H - 2 * PAD, class: 'chart-hit' }),
        svg('rect', {
          x: PAD + i * step + 2,
          y: H - PAD - h,
          width: Math.max(2, step - 4),
          height: h,
          class: `${cls} run-${r.status.toLowerCase()}`,
        }),
        svg('title', {}, words),
      );
    });
    const figure = svg(
      'svg',
      {
        viewBox: `0 0 ${W} ${H}`,
        width: W,
        height: H,
        role: 'group',
        'aria-label': `${title}, last ${data.length} runs, up to ${format(max)}`,
        class: 'chart',
      },
      svg('text', { x: PAD, y: 12, class: 'chart-title', 'aria-hidden': 'true' }, `${title} (max ${format(max)})`),
      svg('line', { x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD, class: 'axis' }),
      ...bars,
    );
    // One tab stop per chart (the newest run), arrow keys move between runs (roving tabindex).
    const show = (bar) => {
      shown.textContent = bar.dataset.value;
    };
    figure.addEventListener('focusin', (e) => e.target.dataset?.value && show(e.target));
    figure.addEventListener('click', (e) => {
      const bar = e.target.closest('.chart-bar');
      if (!bar) return;
      bar.focus();
      show(bar);
    });
    figure.addEventListener('keydown', (e) => {
      const i = bars.indexOf(document.activeElement);
      const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: bars.length - 1 }[e.key];
      if (i < 0 || next === undefined || !bars[next]) return;
      e.preventDefault();
      bars[i].tabIndex = -1;
      bars[next].tabIndex = 0;
      bars[next].focus();
    });
    return figure;
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
    shown,
  );
}
