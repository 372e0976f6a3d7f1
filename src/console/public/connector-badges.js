import { ago, badge, duration, el, STATUS_TONE } from './dom.js';

/** Health as the gateway judges it when it has Connector.health; otherwise nothing is invented. */
export function healthBadge(c) {
  if (!c.health?.state) return null;
  const b = badge(c.health.state.toLowerCase(), STATUS_TONE[c.health.state], 'Health');
  if (c.health.reason) b.title = c.health.reason;
  return b;
}

/** How current the synced data is: Connector.dataFreshAsOf when the gateway has it, else the last sync. */
export function freshness(c) {
  if (c.dataFreshAsOf !== undefined) {
    if (!c.dataFreshAsOf) return 'not yet in sync';
    const lag = c.freshnessLagSeconds != null ? ` (lag ${duration(c.freshnessLagSeconds)})` : '';
    return `fresh as of ${ago(c.dataFreshAsOf)}${lag}`;
  }
  return `last sync ${ago(c.lastSyncedAt)}`;
}

export function connectorBadges(c) {
  const run = c.latestRun;
  return el(
    'span',
    { class: 'badges' },
    badge(c.status.toLowerCase(), STATUS_TONE[c.status], 'Status'),
    ' ',
    healthBadge(c),
    c.health?.state ? ' ' : null,
    run && ['RUNNING', 'QUEUED'].includes(run.status) ? badge('syncing', 'info', 'Sync') : null,
    c.realtime?.mode ? badge(c.realtime.mode.toLowerCase(), 'muted', 'Realtime updates') : null,
  );
}
