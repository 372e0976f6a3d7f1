import { Q } from './api.js';
import { checkResult } from './connector-form.js';
import { connectorBadges, freshness } from './connector-badges.js';
import { ago, el, num, showError, when } from './dom.js';
import { logsView } from './logs-view.js';
import { progressView } from './progress-view.js';
import { runsView } from './runs-view.js';
import { ticketsView } from './tickets-view.js';

const TABS = [
  { id: 'runs', label: 'Runs', view: runsView },
  { id: 'logs', label: 'Sync log', view: logsView },
  { id: 'tickets', label: 'Tickets', view: ticketsView },
];

/** One connector: its facts, actions, live progress and the runs / log / tickets tabs. */
export function connectorDetail(api, c, { onChanged, onEdit, announce, tab = 'runs' }) {
  const result = el('div', { class: 'form-result', 'aria-live': 'polite' });
  const act = (label, fn, cls = 'secondary') => {
    const b = el('button', { type: 'button', class: cls }, label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await fn();
      } catch (e) {
        showError(result, e);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  const actions = el(
    'div',
    { class: 'actions' },
    act('Test connection', async () => {
      result.replaceChildren(checkResult((await api.gql(Q.testSaved, { id: c.id })).testConnectorConnection));
    }),
    c.status !== 'ACTIVE'
      ? act(
          'Save & Activate',
          async () => {
            await api.gql(Q.activate, { id: c.id });
            announce(`${c.name} is active; the first sync has started.`);
            onChanged();
          },
          'primary',
        )
      : null,
    c.status === 'ACTIVE'
      ? act(
          'Sync now',
          async () => {
            await api.gql(Q.trigger, { id: c.id, mode: 'INCREMENTAL' });
            announce('Sync started.');
            onChanged();
          },
          'primary',
        )
      : null,
    c.status === 'ACTIVE'
      ? act('Full resync', async () => {
          await api.gql(Q.trigger, { id: c.id, mode: 'FULL' });
          announce('Full resync started.');
          onChanged();
        })
      : null,
    c.status === 'ACTIVE'
      ? act('Pause', async () => {
          await api.gql(Q.pause, { id: c.id });
          announce(`${c.name} is paused.`);
          onChanged();
        })
      : null,
    act('Edit', async () => onEdit(c)),
  );

  const fact = (k, v) => [el('dt', {}, k), el('dd', {}, v)];
  const facts = el(
    'dl',
    { class: 'facts' },
    fact('Gorgias', `${c.subdomain}.gorgias.com`),
    fact('Email', c.email),
    fact('API key', `•••• ${c.apiKeyLast4}`),
    fact('Synced', `${num(c.ticketCount)} tickets · ${num(c.messageCount)} messages`),
    fact('Freshness', freshness(c)),
    fact('Last sync', when(c.lastSyncedAt)),
    fact('Schedule', `every ${c.syncIntervalMinutes} min${c.status === 'ACTIVE' && c.nextSyncAt ? `, next ${ago(c.nextSyncAt)}` : ''}`),
    c.health?.state
      ? fact(
          'Health',
          [
            c.health.state.toLowerCase(),
            c.health.reason,
            c.health.consecutiveFailures ? `${c.health.consecutiveFailures} failures in a row` : null,
            c.health.lastSuccessAt ? `last success ${ago(c.health.lastSuccessAt)}` : null,
          ]
            .filter(Boolean)
            .join(' · '),
        )
      : null,
    c.realtime?.mode
      ? fact(
          'Realtime',
          `${c.realtime.mode === 'WEBHOOKS' ? 'webhooks from Gorgias' : 'polling'}${c.realtime.lastWebhookAt ? `, last webhook ${ago(c.realtime.lastWebhookAt)}` : ''}`,
        )
      : null,
    c.realtime?.manualSetup ? fact('Webhook setup', el('span', { class: 'wrap pre' }, c.realtime.manualSetup)) : null,
    // A webhook problem the user must fix (e.g. a secret that no longer decrypts: rotate it).
    c.realtime?.error ? fact('Webhook problem', el('span', { class: 'wrap error', role: 'alert' }, c.realtime.error)) : null,
  );

  const progress = progressView(api, c, (p) => {
    announce(`Sync ${p.status.toLowerCase()}: ${num(p.ticketsSynced)} tickets, ${num(p.messagesSynced)} messages.`);
    onChanged();
  });

  // Tabs (WAI-ARIA pattern): arrow keys move between tabs, the panel follows.
  const tablist = el('div', { role: 'tablist', 'aria-label': 'Connector details' });
  const panel = el('div', { role: 'tabpanel', id: 'connector-panel', tabindex: '0' });
  let current = null;
  const tabs = TABS.map((t) =>
    el(
      'button',
      { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': 'connector-panel', onclick: () => show(t.id) },
      t.label,
    ),
  );
  function show(id, focus, options = {}) {
    const i = TABS.findIndex((t) => t.id === id);
    tabs.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', `tab-${id}`);
    current = TABS[i].view(api, c, { ...options, openLog: (runId) => show('logs', true, { runId }) });
    panel.replaceChildren(current.root);
    if (focus) tabs[i].focus();
  }
  tablist.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(document.activeElement);
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: tabs.length - 1 }[e.key];
    if (next === undefined) return;
    e.preventDefault();
    show(TABS[(next + tabs.length) % tabs.length].id, true);
  });
  tablist.append(...tabs);
  show(tab);

  const root = el(
    'article',
    { class: 'detail', 'aria-labelledby': 'detail-h', 'data-testid': 'connector-detail' },
    el('header', { class: 'detail-head' }, el('h2', { id: 'detail-h', tabindex: '-1' }, c.name), connectorBadges(c)),
    c.lastError ? el('p', { class: 'error', role: 'alert' }, c.lastError) : null,
    facts,
    actions,
    result,
    progress.root,
    tablist,
    panel,
  );
  return {
    root,
    focus: () => root.querySelector('h2').focus(),
    currentTab: () => TABS.find((t, i) => tabs[i].getAttribute('aria-selected') === 'true')?.id,
    dispose: () => progress.dispose(),
  };
}
