import { Q } from './api.js';
import { conversationView } from './conversation-view.js';
import { badge, el, num, plural, showError, when } from './dom.js';
import { searchSnippet } from './search-snippet.js';
import { ticketFilters } from './ticket-filters.js';

/** Search the connector's synced tickets (words, #number, email, filters); open one to read its whole conversation. */
export function ticketsView(api, connector) {
  const summary = el('p', { class: 'muted tickets-summary', 'aria-live': 'polite' }, 'Loading tickets…');
  const list = el('ul', { class: 'ticket-list', 'aria-label': 'Tickets' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more tickets');
  const errors = el('div');
  let after = null;
  let selected = null;
  const conversation = conversationView(api, connector, {
    onClose: () => list.querySelector('[aria-current="true"]')?.focus(),
  });
  const filters = ticketFilters(() => load(false));

  let words = null;
  const item = (t) =>
    el(
      'li',
      {},
      el(
        'button',
        {
          type: 'button',
          class: 'ticket',
          'data-id': t.id,
          'aria-current': t.id === selected ? 'true' : undefined,
          onclick: () => open(t.id),
        },
        el('span', { class: 'ticket-subject' }, t.subject || '(no subject)'),
        el(
          'span',
          { class: 'ticket-meta' },
          badge(t.status, t.status === 'open' ? 'info' : 'muted', 'Ticket status'),
          t.deletedAt ? [' ', badge('trashed/deleted', 'warn', 'In Gorgias')] : null,
          ' ',
          `#${t.externalId} · ${t.customer?.email ?? 'unknown customer'} · ${plural(t.messagesCount, 'message')} · updated ${when(t.updatedAt)}`,
        ),
        searchSnippet(t, words),
      ),
    );

  function open(id) {
    selected = id;
    for (const b of list.querySelectorAll('.ticket')) {
      if (b.dataset.id === id) b.setAttribute('aria-current', 'true');
      else b.removeAttribute('aria-current');
    }
    conversation.open(id, { search: words });
  }

  // Filters fire a read on every change: only the newest read may draw, or a slow answer to an older
  // filter would overwrite the list of the current one.
  let latestRead = 0;
  async function load(append) {
    const read = ++latestRead;
    const stale = () => read !== latestRead;
    const { query, text, filter } = filters.value();
    words = query.search ?? null;
    if (!append) summary.textContent = 'Loading tickets…';
    try {
      if (query.externalId) {
        const { ticketByExternalId: t } = await api.gql(Q.byExternalId, { id: connector.id, ext: query.externalId });
        if (stale()) return;
        list.replaceChildren(...(t ? [item(t)] : []));
        more.hidden = true;
        summary.textContent = t ? `Gorgias ticket #${query.externalId}` : `No synced ticket has the Gorgias number #${query.externalId}.`;
        if (t) open(t.id);
        errors.replaceChildren();
        return;
      }
      const { tickets } = await api.gql(Q.tickets, {
        filter: { connectorId: connector.id, ...filter, search: query.search ?? null, customerEmail: query.customerEmail ?? null },
        after: append ? after : null,
      });
      if (stale()) return;
      const items = tickets.nodes.map(item);
      if (append) list.append(...items);
      else list.replaceChildren(...items);
      after = tickets.pageInfo.endCursor;
      more.hidden = !tickets.pageInfo.hasNextPage;
      const hidden = filter.includeDeleted ? '' : ' (trashed and deleted tickets hidden)';
      summary.textContent = tickets.totalCount
        ? `${num(tickets.totalCount)} ticket${tickets.totalCount === 1 ? '' : 's'}${hidden}`
        : text
          ? `No tickets match “${text}”. Try fewer words, a Gorgias ticket number (#123) or a customer’s email.`
          : `0 tickets${hidden}`;
      errors.replaceChildren();
    } catch (e) {
      if (stale()) return;
      summary.textContent = '';
      showError(errors, e);
    }
  }

  more.addEventListener('click', () => load(true));
  load(false);
  const root = el(
    'div',
    { class: 'tickets' },
    filters.root,
    errors,
    summary,
    el('div', { class: 'ticket-browser' }, el('div', {}, list, more), conversation.root),
  );
  return { root, refresh: () => load(false) };
}
