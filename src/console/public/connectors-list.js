import { connectorBadges, freshness } from './connector-badges.js';
import { ago, el, num } from './dom.js';

/** The tenant's connectors, each a button that opens it. */
export function connectorsList(connectors, selectedId, onSelect) {
  if (!connectors.length) {
    return el('p', { class: 'empty' }, 'No connectors yet. Add one to start syncing a Gorgias helpdesk.');
  }
  return el(
    'ul',
    { class: 'connector-list', 'aria-label': 'Connectors' },
    connectors.map((c) =>
      el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            class: 'connector-item',
            'aria-current': c.id === selectedId ? 'true' : undefined,
            onclick: () => onSelect(c.id),
            'data-id': c.id,
          },
          el('span', { class: 'connector-name' }, c.name),
          connectorBadges(c),
          el(
            'span',
            { class: 'connector-meta' },
            `${c.subdomain}.gorgias.com · ${num(c.ticketCount)} ticket${c.ticketCount === 1 ? '' : 's'} · ${freshness(c)}`,
          ),
          c.status === 'ACTIVE' && c.nextSyncAt
            ? el(
                'span',
                { class: 'connector-meta' },
                new Date(c.nextSyncAt).getTime() <= Date.now()
                  ? ['RUNNING', 'QUEUED'].includes(c.latestRun?.status)
                    ? 'next sync due, after the current one'
                    : 'next sync due now'
                  : `next sync ${ago(c.nextSyncAt)}`,
              )
            : null,
        ),
      ),
    ),
  );
}
