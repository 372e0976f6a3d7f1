import { freshnessNode } from './connector-badges.js';
import { ago, duration, el, plural, when } from './dom.js';

const ACTIVE_RUN = ['RUNNING', 'QUEUED'];

/**
 * When syncs happen, as they really do: a poll about every SYNC_POLL_SECONDS (the gap the server
 * scheduled), webhooks or not, since a delivery Gorgias drops has no other way in. The connector's
 * interval is not named: it only caps that gap, and at default settings the poll is shorter.
 */
export function schedule(c) {
  if (c.status !== 'ACTIVE') return `polls Gorgias once active (${c.status.toLowerCase()}: no syncs now)`;
  const running = c.latestRun && ACTIVE_RUN.includes(c.latestRun.status);
  let next = '';
  if (c.nextSyncAt) {
    const due = new Date(c.nextSyncAt).getTime() <= Date.now();
    next = due ? (running ? ', due: waiting for the current run' : ', due now') : `, next ${ago(c.nextSyncAt)}`;
  }
  const gap = c.lastSyncedAt && c.nextSyncAt ? (new Date(c.nextSyncAt) - new Date(c.lastSyncedAt)) / 1000 : null;
  // An unknown gap (no poll yet, a retry) says only "often".
  const cadence = gap > 0 ? `about every ${duration(gap)}` : 'often';
  if (c.realtime?.mode === 'POLLING') return `polls Gorgias ${cadence} (no webhooks)${next}`;
  return `polls Gorgias ${cadence}, webhooks bring changes within seconds${next}`;
}

/**
 * The facts of a connector. `update` takes a fresher copy (the list's 10 s poll, so list and facts
 * agree); `live` takes a progress event, so "this sync" reads the same figures as the bar and the
 * runs row.
 */
export function connectorFacts(c) {
  const root = el('dl', { class: 'facts', 'data-testid': 'facts' });
  let thisSync = null;
  const fact = (k, v, testid) => [el('dt', {}, k), el('dd', { 'data-testid': testid }, v)];
  function render(x) {
    const run = x.latestRun;
    const live = thisSync ?? (run ? { ...run, runId: run.id } : null);
    root.replaceChildren(
      ...fact('Gorgias', `${x.subdomain}.gorgias.com`),
      ...fact('Email', x.email),
      ...fact('API key', `•••• ${x.apiKeyLast4}`),
      ...fact(
        'Stored',
        [
          `${plural(x.ticketCount, 'ticket')} · ${plural(x.messageCount, 'message')}`,
          // Step 1 reads messages; they count here once their tickets are stored in step 2.
          thisSync && thisSync.status === 'RUNNING' && /^reading messages/.test(thisSync.phase ?? '')
            ? el('span', { class: 'muted' }, ' (messages read so far count here once their tickets are stored, in step 2)')
            : null,
        ],
        'fact-stored',
      ),
      ...(live && ACTIVE_RUN.includes(live.status) ? fact('This sync', liveText(live), 'fact-this-sync') : []),
      ...fact('Freshness', freshnessNode(x)),
      ...fact('Last sync', when(x.lastSyncedAt)),
      ...fact('Schedule', schedule(x), 'fact-schedule'),
      ...(x.health?.state && x.status === 'ACTIVE'
        ? fact(
            'Health',
            [
              x.health.state.toLowerCase(),
              x.health.reason,
              x.health.consecutiveFailures
                ? `${x.health.consecutiveFailures} failed sync${x.health.consecutiveFailures === 1 ? '' : 's'} in a row`
                : null,
              x.health.lastSuccessAt ? `last success ${ago(x.health.lastSuccessAt)}` : null,
            ]
              .filter(Boolean)
              .join(' · '),
          )
        : []),
    );
  }
  let current = c;
  render(c);
  return {
    root,
    update(next) {
      current = next;
      render(next);
    },
    live(p) {
      thisSync = p;
      render(current);
    },
  };
}

export function liveText(p) {
  return `so far ${plural(p.ticketsSynced, 'ticket')} · ${plural(p.messagesSynced, 'message')}`;
}
