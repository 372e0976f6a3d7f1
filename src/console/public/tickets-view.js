import { Q } from './api.js';
import { badge, el, num, showError, when } from './dom.js';

/** Search the connector's synced tickets; open one to read its conversation. */
export function ticketsView(api, connector) {
  const search = el('input', {
    id: 'ticket-search',
    type: 'search',
    name: 'search',
    placeholder: 'e.g. refund "order status" -spam',
    autocomplete: 'off',
  });
  const status = el(
    'select',
    { id: 'ticket-status', name: 'status' },
    el('option', { value: '' }, 'Any status'),
    el('option', { value: 'open' }, 'Open'),
    el('option', { value: 'closed' }, 'Closed'),
  );
  const form = el(
    'form',
    { class: 'toolbar', role: 'search', 'aria-label': 'Search tickets' },
    el('label', { for: 'ticket-search' }, 'Search'),
    search,
    el('label', { for: 'ticket-status' }, 'Status'),
    status,
    el('button', { type: 'submit' }, 'Search'),
  );
  const summary = el('p', { class: 'muted', 'aria-live': 'polite' });
  const list = el('ul', { class: 'ticket-list', 'aria-label': 'Tickets' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Load more tickets');
  const errors = el('div');
  const conversation = el('section', { class: 'conversation', 'aria-labelledby': 'conversation-h', hidden: true, tabindex: '-1' });
  let after = null;

  const filter = () => ({ connectorId: connector.id, search: search.value.trim() || null, status: status.value || null });

  async function load(append) {
    try {
      const { tickets } = await api.gql(Q.tickets, { filter: filter(), after: append ? after : null });
      const items = tickets.nodes.map((t) =>
        el(
          'li',
          {},
          el(
            'button',
            { type: 'button', class: 'ticket', onclick: () => open(t.id) },
            el('span', { class: 'ticket-subject' }, t.subject || '(no subject)'),
            el(
              'span',
              { class: 'ticket-meta' },
              badge(t.status, t.status === 'open' ? 'info' : 'muted', 'Ticket status'),
              ' ',
              `#${t.externalId} · ${t.customer?.email ?? 'unknown customer'} · ${num(t.messagesCount)} messages · updated ${when(t.updatedAt)}`,
            ),
          ),
        ),
      );
      if (append) list.append(...items);
      else list.replaceChildren(...items);
      after = tickets.pageInfo.endCursor;
      more.hidden = !tickets.pageInfo.hasNextPage;
      summary.textContent = `${num(tickets.totalCount)} tickets`;
      errors.replaceChildren();
    } catch (e) {
      showError(errors, e);
    }
  }

  async function open(id) {
    conversation.hidden = false;
    conversation.replaceChildren(el('p', {}, 'Loading conversation…'));
    try {
      const { ticket } = await api.gql(Q.ticket, { id });
      if (!ticket) throw new Error('This ticket no longer exists.');
      const messages = ticket.messages.nodes.map((m) =>
        el(
          'li',
          { class: `message ${m.fromAgent ? 'from-agent' : 'from-customer'}${m.public ? '' : ' internal'}` },
          el(
            'p',
            { class: 'message-head' },
            el('strong', {}, m.sender?.name || m.sender?.email || (m.fromAgent ? 'Agent' : 'Customer')),
            ` · ${m.fromAgent ? 'agent' : 'customer'}${m.public ? '' : ' · internal note'} · ${m.channel ?? ''} · `,
            el('time', { datetime: m.createdAt }, when(m.createdAt)),
          ),
          el('p', { class: 'message-body' }, m.bodyText ?? ''),
          m.attachments.length ? el('p', { class: 'muted' }, `Attachments: ${m.attachments.map((a) => a.name || a.url).join(', ')}`) : null,
        ),
      );
      conversation.replaceChildren(
        ...[
          el('h3', { id: 'conversation-h' }, `#${ticket.externalId} ${ticket.subject || '(no subject)'}`),
          el(
            'p',
            { class: 'muted' },
            `${ticket.status} · ${ticket.priority ?? 'no priority'} · ${ticket.channel ?? ''} · ${ticket.customer?.email ?? ''}` +
              (ticket.tags.length ? ` · tags: ${ticket.tags.join(', ')}` : ''),
          ),
          el('ol', { class: 'messages', 'aria-label': 'Conversation' }, messages),
          ticket.messages.pageInfo.hasNextPage
            ? el('p', { class: 'muted' }, `Showing the first ${messages.length} of ${num(ticket.messages.totalCount)} messages.`)
            : null,
        ].filter(Boolean),
      );
      conversation.focus();
    } catch (e) {
      showError(conversation, e);
    }
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    load(false);
  });
  more.addEventListener('click', () => load(true));
  load(false);
  const root = el(
    'div',
    { class: 'tickets' },
    form,
    errors,
    summary,
    el('div', { class: 'ticket-browser' }, el('div', {}, list, more), conversation),
  );
  return { root, refresh: () => load(false) };
}
