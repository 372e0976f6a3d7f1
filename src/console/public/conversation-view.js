import { Q } from './api.js';
import { adminButton, badge, el, num, showError, when } from './dom.js';
import { highlighted } from './search-snippet.js';

/** Only web links become links: a javascript:, data: or other scheme from a stranger stays text. */
export function safeUrl(url) {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

function attachments(m) {
  if (!m.attachments.length) return null;
  return el(
    'ul',
    { class: 'attachments', 'aria-label': 'Attachments' },
    m.attachments.map((a) => {
      const href = safeUrl(a.url);
      const name = a.name || a.url;
      return el('li', {}, href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, name) : el('span', {}, name));
    }),
  );
}

function message(m, search) {
  return el(
    'li',
    { class: `message ${m.fromAgent ? 'from-agent' : 'from-customer'}${m.public ? '' : ' internal'}`, 'data-id': m.id },
    el(
      'p',
      { class: 'message-head' },
      el('strong', {}, m.sender?.name || m.sender?.email || (m.fromAgent ? 'Agent' : 'Customer')),
      ` · ${m.fromAgent ? 'agent' : 'customer'}${m.public ? '' : ' · internal note'}${m.channel ? ` · ${m.channel}` : ''} · `,
      el('time', { datetime: m.createdAt }, when(m.createdAt)),
    ),
    // Bodies come from strangers: always text, never HTML; the search's words marked (text in <mark>).
    el('p', { class: 'message-body' }, highlighted(m.bodyText ?? '', search)),
    attachments(m),
  );
}

/**
 * One ticket's whole conversation: it opens on the newest 50 messages (the ones an operator needs)
 * and "Show older messages" loads the 50 before, until the first. Escape closes it. "Re-sync this
 * ticket" (an admin's) reads it again from Gorgias and reloads the conversation.
 */
export function conversationView(api, connector, { onClose }) {
  const root = el('section', { class: 'conversation', 'aria-labelledby': 'conversation-h', hidden: true, tabindex: '-1' });
  let list = null;
  let shown = 0;
  let total = 0;
  let before = null;
  let ticketId = null;
  let search = null; // the list's search: its words are marked in the bodies
  const older = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Show older messages');
  const count = el('p', { class: 'muted', 'aria-live': 'polite', 'data-testid': 'message-count' });
  // Outlives the reload a re-sync causes, so the answer stays on screen.
  const notice = el('div', { 'aria-live': 'polite', 'data-testid': 'resync-result' });

  const setPage = (messages) => {
    shown += messages.nodes.length;
    total = messages.totalCount;
    before = messages.pageInfo.startCursor;
    older.hidden = !messages.pageInfo.hasPreviousPage;
    count.textContent =
      shown >= total
        ? total === 1
          ? 'Its only message.'
          : `All ${num(total)} messages, oldest first.`
        : `The newest ${num(shown)} of ${num(total)} messages, oldest first.`;
  };

  older.addEventListener('click', async () => {
    older.disabled = true;
    try {
      const { ticket } = await api.gql(Q.olderMessages, { id: ticketId, before });
      const first = list.firstElementChild;
      list.prepend(...ticket.messages.nodes.map((m) => message(m, search)));
      setPage(ticket.messages);
      first?.querySelector('.message-head')?.scrollIntoView({ block: 'start' });
    } catch (e) {
      showError(count, e);
    } finally {
      older.disabled = false;
    }
  });
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') close();
  });
  function close() {
    root.hidden = true;
    root.replaceChildren();
    onClose();
  }

  async function resync(externalId, button) {
    button.disabled = true;
    try {
      const { resyncTicket: t } = await api.gql(Q.resyncTicket, { id: connector.id, ext: externalId });
      await open(ticketId, { search });
      notice.replaceChildren(
        el(
          'p',
          {},
          t
            ? `Re-read from Gorgias at ${when(new Date().toISOString())}.`
            : 'This ticket no longer exists in Gorgias: it is now marked deleted here.',
        ),
      );
    } catch (e) {
      showError(notice, e);
      button.disabled = false;
    }
  }

  async function open(id, options = {}) {
    notice.replaceChildren();
    ticketId = id;
    search = options.search ?? null;
    shown = 0;
    root.hidden = false;
    root.replaceChildren(el('p', {}, 'Loading conversation…'));
    try {
      const { ticket } = await api.gql(Q.ticket, { id });
      if (!ticket) throw new Error('This ticket no longer exists.');
      list = el(
        'ol',
        { class: 'messages', 'aria-label': 'Conversation' },
        ticket.messages.nodes.map((m) => message(m, search)),
      );
      setPage(ticket.messages);
      const gorgias = `https://${connector.subdomain}.gorgias.com/app/ticket/${encodeURIComponent(ticket.externalId)}`;
      root.replaceChildren(
        el(
          'div',
          { class: 'conversation-head' },
          el('h3', { id: 'conversation-h', tabindex: '-1' }, `#${ticket.externalId} ${ticket.subject || '(no subject)'}`),
          el('button', { type: 'button', class: 'link', onclick: close }, 'Close'),
        ),
        el(
          'p',
          { class: 'muted' },
          ticket.deletedAt ? [badge('deleted or trashed in Gorgias', 'warn', 'Ticket'), ' '] : null,
          `${ticket.status} · ${ticket.priority ?? 'no priority'}${ticket.channel ? ` · ${ticket.channel}` : ''}${ticket.customer?.email ? ` · ${ticket.customer.email}` : ''}` +
            (ticket.tags.length ? ` · tags: ${ticket.tags.join(', ')}` : ''),
        ),
        el(
          'p',
          {},
          el('a', { href: gorgias, target: '_blank', rel: 'noopener noreferrer' }, 'Open in Gorgias'),
          ' ',
          adminButton('Re-sync this ticket', (e) => resync(ticket.externalId, e.currentTarget), { class: 'secondary' }),
        ),
        notice,
        count,
        older,
        list,
      );
      root.querySelector('h3').focus();
      list.lastElementChild?.scrollIntoView({ block: 'nearest' });
    } catch (e) {
      showError(root, e);
    }
  }
  return { root, open, close };
}
