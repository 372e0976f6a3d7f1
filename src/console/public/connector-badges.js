import { ago, badge, duration, el, STATUS_TONE } from './dom.js';

/** A draft whose Save & Activate (or Test Connection) failed: it needs the user, whatever health says. */
export const needsAttention = (c) => (c.status === 'DRAFT' && c.lastCheck && !c.lastCheck.ok) || c.status === 'ERROR';

/**
 * Health as the gateway judges it, only where it means something: a draft or a paused connector
 * does not sync, so it never shows a green "healthy"; one that needs the user says so.
 */
export function healthBadge(c) {
  if (needsAttention(c)) {
    const code = c.status === 'DRAFT' ? c.lastCheck.code : null;
    return badge(code ? `needs attention: ${code}` : 'needs attention', 'bad', 'Health');
  }
  if (!c.health?.state || c.status === 'DRAFT' || c.status === 'PAUSED') return null;
  const b = badge(c.health.state.toLowerCase(), STATUS_TONE[c.health.state], 'Health');
  if (c.health.reason) b.title = c.health.reason;
  return b;
}

const FRESHNESS_EXPLAINED =
  'Every change made in Gorgias before this moment is here. Changes announced by webhooks arrive sooner; this is the guarantee.';

/** How current the synced data is, as one number: how far behind Gorgias it may be. */
export function freshness(c) {
  if (c.dataFreshAsOf !== undefined) {
    if (!c.dataFreshAsOf) return 'not yet in sync';
    const behind = c.freshnessLagSeconds ?? (Date.now() - new Date(c.dataFreshAsOf).getTime()) / 1000;
    if (c.status === 'PAUSED' || c.status === 'ERROR') return `stale: data as of ${ago(c.dataFreshAsOf)}`;
    return `data ${duration(behind)} behind Gorgias`;
  }
  return `last sync ${ago(c.lastSyncedAt)}`;
}

export function freshnessNode(c) {
  return el('span', { class: 'freshness', title: FRESHNESS_EXPLAINED }, freshness(c));
}

export function connectorBadges(c) {
  const run = c.latestRun;
  const health = healthBadge(c);
  return el(
    'span',
    { class: 'badges' },
    badge(c.status.toLowerCase(), STATUS_TONE[c.status], 'Status'),
    health ? [' ', health] : null,
    run && ['RUNNING', 'QUEUED'].includes(run.status) ? [' ', badge(run.error ? 'retrying' : 'syncing', 'info', 'Sync')] : null,
    c.realtime?.mode && c.status === 'ACTIVE'
      ? [' ', badge(c.realtime.mode === 'WEBHOOKS' ? 'webhooks' : 'polling', 'muted', 'Changes arrive by')]
      : null,
  );
}
