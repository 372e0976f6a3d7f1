import { el } from './dom.js';

const select = (id, label, options) => {
  const s = el(
    'select',
    { id, name: id },
    el('option', { value: '' }, `Any ${label.toLowerCase()}`),
    options.map((o) => el('option', { value: o }, o)),
  );
  return [el('label', { for: id }, label), s];
};

/** What the search box holds: a Gorgias ticket number, a customer's email, or words to search. */
export function readQuery(text) {
  const q = text.trim();
  if (/^#?\d+$/.test(q)) return { externalId: q.replace('#', '') };
  if (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(q)) return { customerEmail: q };
  return { search: q || null };
}

/**
 * The ticket toolbar: one search box (words, #number or email), the filters the API has (status,
 * channel, priority, updated between two dates) and "include trashed and deleted".
 */
export function ticketFilters(onSubmit) {
  const search = el('input', {
    id: 'ticket-search',
    type: 'search',
    name: 'search',
    placeholder: 'refund "order status", #10000501 or jane@example.com',
    autocomplete: 'off',
    'aria-describedby': 'ticket-search-hint',
  });
  const [statusLabel, status] = select('ticket-status', 'Status', ['open', 'closed']);
  const [channelLabel, channel] = select('ticket-channel', 'Channel', ['email', 'chat', 'phone', 'sms', 'facebook', 'instagram', 'api']);
  const [priorityLabel, priority] = select('ticket-priority', 'Priority', ['low', 'normal', 'high', 'critical']);
  const from = el('input', { id: 'ticket-from', type: 'date', name: 'from' });
  const to = el('input', { id: 'ticket-to', type: 'date', name: 'to' });
  const deleted = el('input', { id: 'ticket-deleted', type: 'checkbox', name: 'includeDeleted' });
  const form = el(
    'form',
    { class: 'toolbar ticket-filters', role: 'search', 'aria-label': 'Search tickets' },
    el('div', { class: 'search-row' }, el('label', { for: 'ticket-search' }, 'Search'), search, el('button', { type: 'submit' }, 'Search')),
    el(
      'p',
      { class: 'hint', id: 'ticket-search-hint' },
      'Words search subjects and messages; #123 opens Gorgias ticket 123; an email finds that customer’s tickets.',
    ),
    el(
      'div',
      { class: 'filter-row' },
      statusLabel,
      status,
      channelLabel,
      channel,
      priorityLabel,
      priority,
      el('label', { for: 'ticket-from' }, 'Updated from'),
      from,
      el('label', { for: 'ticket-to' }, 'to'),
      to,
      el('span', { class: 'check-field' }, deleted, el('label', { for: 'ticket-deleted' }, 'Include trashed and deleted')),
    ),
  );
  const value = () => {
    // Dates are the user's days: from the start of "from" to the end of "to", in local time.
    const day = (d, plusDays) => (d ? new Date(new Date(`${d}T00:00:00`).getTime() + plusDays * 86_400_000).toISOString() : null);
    return {
      query: readQuery(search.value),
      text: search.value.trim(),
      filter: {
        status: status.value || null,
        channel: channel.value || null,
        priority: priority.value || null,
        updatedAfter: day(from.value, 0),
        updatedBefore: day(to.value, 1),
        includeDeleted: deleted.checked,
      },
    };
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onSubmit(value());
  });
  for (const control of [status, channel, priority, from, to, deleted]) control.addEventListener('change', () => onSubmit(value()));
  return { root: form, value };
}
