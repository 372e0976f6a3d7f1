import { attentionAlert } from './attention.js';
import { connectorActions } from './connector-actions.js';
import { connectorBadges } from './connector-badges.js';
import { connectorFacts } from './connector-facts.js';
import { el } from './dom.js';
import { withLiveRun } from './live-run.js';
import { logsView } from './logs-view.js';
import { progressView } from './progress-view.js';
import { quarantineView } from './quarantine-view.js';
import { realtimePanel } from './realtime-panel.js';
import { runsView } from './runs-view.js';
import { ticketsView } from './tickets-view.js';
import { verificationView } from './verification-view.js';

const TABS = [
  { id: 'runs', label: 'Runs', view: runsView },
  { id: 'logs', label: 'Sync log', view: logsView },
  { id: 'tickets', label: 'Tickets', view: ticketsView },
  { id: 'refused', label: 'Refused records', view: quarantineView },
  { id: 'verify', label: 'Verification', view: verificationView },
];

/** One connector: what needs attention, its facts, actions, live progress, real-time state and the tabs. */
export function connectorDetail(api, c, { role, onChanged, onEdit, onDeleted, announce, onLive = () => undefined, tab = 'runs' }) {
  const result = el('div', { class: 'form-result', 'aria-live': 'polite' });
  const facts = connectorFacts(c);
  const badges = el('span', {}, connectorBadges(c));
  let current = null;
  let lastProgress = null;
  let shown = c; // the connector as last read, the badges follow its run live
  const progress = progressView(api, c, {
    onRunFinished: (p) => {
      announce(`Sync ${p.status.toLowerCase()}: ${p.ticketsSynced} tickets, ${p.messagesSynced} messages.`);
      onChanged();
    },
    // One event, every place: the bar, "This sync" in the facts, the running row of Runs, the badges and the list.
    onProgress: (p) => {
      lastProgress = p;
      facts.live(p);
      current?.live?.(p);
      badges.replaceChildren(connectorBadges(withLiveRun(shown, p)));
      onLive({ ...p, connectorId: c.id });
    },
  });

  // Tabs (WAI-ARIA pattern): arrow keys move between tabs, the panel follows.
  const tablist = el('div', { role: 'tablist', 'aria-label': 'Connector details' });
  const panel = el('div', { role: 'tabpanel', id: 'connector-panel', tabindex: '0' });
  const tabs = TABS.map((t) =>
    el(
      'button',
      { type: 'button', role: 'tab', id: `tab-${t.id}`, 'aria-controls': 'connector-panel', onclick: () => show(t.id) },
      t.label,
    ),
  );
  function show(id, focus, options = {}) {
    const i = Math.max(
      0,
      TABS.findIndex((t) => t.id === id),
    );
    tabs.forEach((b, j) => {
      b.setAttribute('aria-selected', String(i === j));
      b.tabIndex = i === j ? 0 : -1;
    });
    panel.setAttribute('aria-labelledby', `tab-${TABS[i].id}`);
    current = TABS[i].view(api, c, { ...options, openLog: (runId) => show('logs', true, { runId }) });
    panel.replaceChildren(current.root);
    if (lastProgress) current.live?.(lastProgress);
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
    el('header', { class: 'detail-head' }, el('h2', { id: 'detail-h', tabindex: '-1' }, c.name), badges),
    attentionAlert(c, { role, onUpdateKey: (x) => onEdit(x, { focusField: 'apiKey' }) }),
    facts.root,
    connectorActions(api, c, { role, onChanged, onEdit, onDeleted, announce, result }),
    result,
    progress.root,
    realtimePanel(api, c, { role }),
    tablist,
    panel,
  );
  return {
    root,
    focus: () => root.querySelector('h2').focus(),
    currentTab: () => TABS.find((t, i) => tabs[i].getAttribute('aria-selected') === 'true')?.id,
    /** A fresher copy of the connector (the list's poll): facts and badges follow, the open tab stays. */
    update(next) {
      shown = next;
      facts.update(next);
      badges.replaceChildren(connectorBadges(withLiveRun(next, lastProgress)));
    },
    dispose: () => progress.dispose(),
  };
}
