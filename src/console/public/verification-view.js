import { adminButton, el, num, plural, showError, when } from './dom.js';

// Its own queries (api.js is shared by every view).
const FIELDS = `id status repair from to trigger phase ticketsChecked ticketsMissing ticketsStale ticketsExtra messagesChecked
  messagesMissing messagesStale quarantined repaired apiRequests createdAt finishedAt error
  differences { object externalId kind fields } quarantinedRecords { object externalId reason }`;
const LIST = `query($id: ID!) { syncVerifications(connectorId: $id, first: 10) { totalCount nodes { ${FIELDS} } } }`;
const VERIFY = `mutation($id: ID!, $from: DateTime, $to: DateTime, $repair: Boolean) {
  verifyConnector(connectorId: $id, from: $from, to: $to, repair: $repair) { id status } }`;
const RESYNC = `mutation($id: ID!, $ext: ID!) { resyncTicket(connectorId: $id, externalId: $ext) { externalId subject deletedAt } }`;

const localToIso = (v) => (v ? new Date(v).toISOString() : null);

function reportItem(v) {
  const differing = v.ticketsMissing + v.ticketsStale + v.ticketsExtra + v.messagesMissing + v.messagesStale;
  const window = v.from || v.to ? `${when(v.from)} → ${v.to ? when(v.to) : 'now'}` : 'everything';
  return el(
    'li',
    { 'data-testid': 'verification', 'data-status': v.status },
    el('strong', {}, `${v.status} · ${v.trigger.toLowerCase()} · ${window}`),
    ` · ${when(v.createdAt)} · ${plural(v.apiRequests, 'call')}`,
    el(
      'p',
      {},
      `Tickets: ${num(v.ticketsChecked)} compared, ${num(v.ticketsMissing)} missing, ${num(v.ticketsStale)} stale, ${num(v.ticketsExtra)} extra. `,
      `Messages: ${num(v.messagesChecked)} compared, ${num(v.messagesMissing)} missing, ${num(v.messagesStale)} stale. `,
      `${num(v.quarantined)} quarantined. `,
      v.repair ? `${num(v.repaired)} repaired.` : 'Count only (nothing written).',
    ),
    v.error ? el('p', { class: 'error' }, v.error) : null,
    differing
      ? el(
          'details',
          {},
          el('summary', {}, `${plural(differing, 'difference')} (first ${v.differences.length} listed)`),
          el(
            'ul',
            {},
            v.differences.map((d) =>
              el('li', {}, `${d.object} #${d.externalId}: ${d.kind}${d.fields.length ? ` (${d.fields.join(', ')})` : ''}`),
            ),
          ),
        )
      : null,
    v.quarantinedRecords.length
      ? el(
          'ul',
          { 'aria-label': 'Quarantined records' },
          v.quarantinedRecords.map((q) => el('li', {}, `${q.object} #${q.externalId} quarantined: ${q.reason}`)),
        )
      : null,
  );
}

/**
 * The connector's verification reports (newest first) beside its runs, "Verify now" over a window of
 * Gorgias created_datetime (empty: everything), and "Re-sync this ticket" by its Gorgias id. The
 * buttons are an admin's; a reader sees them disabled, marked "admin only".
 */
export function verificationView(api, connector) {
  const result = el('div', { 'aria-live': 'polite' });
  const list = el('ul', { class: 'verifications', 'aria-label': 'Verification reports' });
  const from = el('input', { type: 'datetime-local', 'aria-label': 'From (created)' });
  const to = el('input', { type: 'datetime-local', 'aria-label': 'To (created)' });
  const repair = el('input', { type: 'checkbox', checked: true, 'aria-label': 'Repair what differs' });
  const ticketId = el('input', { type: 'text', inputmode: 'numeric', placeholder: 'Gorgias ticket id', 'aria-label': 'Gorgias ticket id' });
  let timer = null;

  async function load() {
    try {
      const { syncVerifications } = await api.gql(LIST, { id: connector.id });
      list.replaceChildren(
        ...(syncVerifications.nodes.length
          ? syncVerifications.nodes.map(reportItem)
          : [el('li', { class: 'muted' }, 'No verification yet.')]),
      );
      clearTimeout(timer);
      if (syncVerifications.nodes.some((v) => v.status === 'QUEUED' || v.status === 'RUNNING')) timer = setTimeout(load, 2000);
    } catch (e) {
      showError(result, e);
    }
  }
  async function verifyNow() {
    try {
      await api.gql(VERIFY, { id: connector.id, from: localToIso(from.value), to: localToIso(to.value), repair: repair.checked });
      result.replaceChildren(el('p', {}, 'Verification queued.'));
      await load();
    } catch (e) {
      showError(result, e);
    }
  }
  async function resync() {
    try {
      const { resyncTicket: t } = await api.gql(RESYNC, { id: connector.id, ext: ticketId.value.trim() });
      result.replaceChildren(
        el(
          'p',
          {},
          t
            ? `Ticket #${t.externalId} re-synced: ${t.subject ?? '(no subject)'}`
            : 'Gorgias has no such ticket: it is now marked deleted here.',
        ),
      );
    } catch (e) {
      showError(result, e);
    }
  }
  load();
  const root = el(
    'div',
    { class: 'verification-view', 'data-testid': 'verification-view' },
    el('p', { class: 'muted' }, 'Compares Gorgias with our copy record by record; with repair, fixes only what differs.'),
    el(
      'div',
      { class: 'row' },
      el('label', {}, 'From ', from),
      el('label', {}, ' To ', to),
      el('label', {}, ' ', repair, ' repair'),
      adminButton('Verify now', verifyNow),
    ),
    el('div', { class: 'row' }, ticketId, adminButton('Re-sync this ticket', resync)),
    result,
    list,
  );
  return { root, refresh: load };
}
