import { Q } from './api.js';
import { duration, el, num } from './dom.js';

const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/**
 * The live progress bar of a connector's current run, from the syncProgress subscription.
 * The ETA is the time the run took per percent so far, applied to what is left.
 */
export function progressView(api, connector, onRunFinished) {
  const bar = el('div', { class: 'bar-fill' });
  const meter = el(
    'div',
    { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Sync progress' },
    bar,
  );
  const label = el('p', { class: 'progress-label' });
  const heading = el('h3', { id: 'progress-h' }, 'Sync progress');
  const root = el('section', { class: 'progress', 'aria-labelledby': 'progress-h', 'data-testid': 'progress' }, heading, meter, label);
  let first = null; // { at, percent } of the first sample of the current run

  function render(p) {
    const percent = Math.max(0, Math.min(100, p.percent ?? 0));
    bar.style.width = `${percent}%`;
    meter.setAttribute('aria-valuenow', String(Math.round(percent)));
    meter.setAttribute('aria-valuetext', `${percent.toFixed(0)} percent`);
    root.dataset.status = p.status;
    heading.textContent = FINISHED.includes(p.status) ? `Last sync: ${p.status.toLowerCase()}` : 'Sync in progress';
    const counts = `${num(p.ticketsSynced)} tickets${p.ticketsTotal ? ` of about ${num(p.ticketsTotal)}` : ''} · ${num(p.messagesSynced)} messages`;
    let eta = '';
    if (p.status === 'RUNNING') {
      const now = new Date(p.at ?? Date.now()).getTime();
      if (!first || first.runId !== p.runId) first = { runId: p.runId, at: now, percent };
      const done = percent - first.percent;
      const elapsed = (now - first.at) / 1000;
      eta = done > 0.5 && elapsed > 0.5 ? ` · about ${duration(((100 - percent) * elapsed) / done)} left` : ' · estimating time left…';
    }
    label.textContent = `${percent.toFixed(0)}% · ${p.phase || p.status.toLowerCase()} · ${counts}${eta}`;
    root.hidden = false;
  }

  const run = connector.latestRun;
  if (run && !FINISHED.includes(run.status)) render({ ...run, runId: run.id, at: new Date().toISOString() });
  else if (run) render({ ...run, runId: run.id });
  else {
    label.textContent = 'No sync has run yet. Save & Activate starts the first one.';
    bar.style.width = '0%';
    meter.setAttribute('aria-valuenow', '0');
  }

  // Runs seen unfinished here: only their end refreshes the page (a subscription may start by
  // replaying the last, already finished, state).
  const running = new Set(run && !FINISHED.includes(run.status) ? [run.id] : []);
  const unsubscribe = api.subscribe(
    Q.progress,
    { id: connector.id },
    (data) => {
      const p = data.syncProgress;
      render(p);
      if (!FINISHED.includes(p.status)) running.add(p.runId);
      else if (running.delete(p.runId)) onRunFinished(p);
    },
    (e) => {
      label.textContent = `Live progress unavailable: ${e.message}`;
    },
  );
  return { root, dispose: unsubscribe };
}
