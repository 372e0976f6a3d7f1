import { Q } from './api.js';
import { ago, duration, el, num, plural } from './dom.js';

const FINISHED = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

/** Which of the three steps a run is in (messages first: a ticket read after its messages counts them right). */
export function step(phase) {
  if (/^reading messages/.test(phase)) return { n: 1, text: 'reading messages' };
  if (/^reading tickets/.test(phase)) return { n: 2, text: 'reading tickets' };
  if (!phase || /waiting|queued/.test(phase)) return { n: 0, text: phase || 'waiting to start' };
  if (phase === 'starting') return { n: 0, text: 'starting' };
  return { n: 3, text: `finishing: ${phase}` };
}

/** The run's figures, in the order they grow: messages during step 1, tickets after. */
export function counts(p) {
  const messages = plural(p.messagesSynced, 'message');
  // An estimate already passed is no estimate: "500 of about 400" never shows; a finished run has its real figures.
  const about =
    !FINISHED.includes(p.status) && p.ticketsTotal && p.ticketsTotal > p.ticketsSynced ? ` of about ${num(p.ticketsTotal)}` : '';
  const tickets = `${plural(p.ticketsSynced, 'ticket')}${about}`;
  if (p.status === 'RUNNING' && step(p.phase).n === 1) return `${messages} · tickets come next`;
  return `${tickets} · ${messages}`;
}

/**
 * The live progress bar of a connector's current run, from the syncProgress subscription. The
 * time left is what the run took per percent so far applied to what is left, and only while
 * reading: the finishing step has no estimate. Every event also goes to `onProgress`, so the
 * facts and the runs row show the same figures as the bar.
 */
export function progressView(api, connector, { onRunFinished, onProgress = () => undefined }) {
  const bar = el('div', { class: 'bar-fill' });
  const meter = el(
    'div',
    { class: 'bar', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-label': 'Sync progress' },
    bar,
  );
  const label = el('p', { class: 'progress-label', 'data-testid': 'progress-label' });
  const heading = el('h3', { id: 'progress-h' }, 'Sync progress');
  const root = el('section', { class: 'progress', 'aria-labelledby': 'progress-h', 'data-testid': 'progress' }, heading, meter, label);
  let first = null; // { runId, at, percent } of the first sample of the current run
  const ended = new Set(); // runs seen finished: a late "running" sample of theirs is ignored

  function render(p) {
    if (ended.has(p.runId) && !FINISHED.includes(p.status)) return;
    if (FINISHED.includes(p.status)) ended.add(p.runId);
    const percent = Math.max(0, Math.min(100, p.percent ?? 0));
    bar.style.width = `${percent}%`;
    meter.setAttribute('aria-valuenow', String(Math.round(percent)));
    meter.setAttribute('aria-valuetext', `${percent.toFixed(0)} percent`);
    root.dataset.status = p.status;
    root.dataset.tickets = String(p.ticketsSynced);
    root.dataset.messages = String(p.messagesSynced);
    heading.textContent = FINISHED.includes(p.status)
      ? `Last sync: ${p.status.toLowerCase()}`
      : p.status === 'QUEUED' && connector.latestRun?.id === p.runId && connector.latestRun.error
        ? 'Sync retrying'
        : 'Sync in progress';
    root.dataset.percent = String(Math.round(percent));
    let where = p.phase || p.status.toLowerCase();
    let eta = '';
    if (!FINISHED.includes(p.status)) {
      // A claimed run's first report still carries the queue's phase: it is starting, not queued.
      const s = step(p.status === 'RUNNING' && /queued/.test(p.phase ?? '') ? 'starting' : (p.phase ?? ''));
      where = s.n ? `step ${s.n} of 3, ${s.text}` : s.text;
      const now = new Date(p.at ?? Date.now()).getTime();
      if (!first || first.runId !== p.runId) first = { runId: p.runId, at: now, percent };
      const done = percent - first.percent;
      const elapsed = (now - first.at) / 1000;
      if (p.status === 'RUNNING' && s.n && s.n < 3) {
        eta = done > 0.5 && elapsed > 0.5 ? ` · about ${duration(((100 - percent) * elapsed) / done)} left` : ' · estimating time left…';
      }
    }
    // A run waiting to retry says which attempt comes, when, and why (the run's last error).
    const latest = connector.latestRun?.id === p.runId ? connector.latestRun : null;
    const retry =
      p.status === 'QUEUED' && latest?.error
        ? `${latest.retry ? ` (attempt ${latest.retry.attempt + 1}, next try ${ago(latest.retry.nextTryAt)})` : ''} · last error: ${latest.error.slice(0, 160)}`
        : '';
    label.textContent = `${percent.toFixed(0)}% · ${where} · ${counts(p)}${eta}${retry}`;
    root.hidden = false;
    onProgress(p);
  }

  const run = connector.latestRun;
  if (run) render({ ...run, runId: run.id, at: new Date().toISOString() });
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
