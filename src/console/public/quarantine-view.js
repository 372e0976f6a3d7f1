import { Q } from './api.js';
import { el, num, showError, when } from './dom.js';

/** Records a sync could not store (it went on without them): what, its Gorgias id, and why. */
export function quarantineView(api, connector) {
  const body = el('div', {}, el('p', { class: 'muted' }, 'Loading refused records…'));
  async function load() {
    try {
      const { syncQuarantine: rows } = await api.gql(Q.quarantine, { id: connector.id });
      if (!rows.length) {
        body.replaceChildren(el('p', { class: 'muted' }, 'No refused records: every record Gorgias sent was stored.'));
        return;
      }
      body.replaceChildren(
        el(
          'p',
          { class: 'muted' },
          `${num(rows.length)} record${rows.length === 1 ? '' : 's'} could not be stored; the rest synced. Each is read again when it changes in Gorgias or by a Full resync.`,
        ),
        el(
          'ul',
          { class: 'quarantine', 'aria-label': 'Refused records' },
          rows.map((r) =>
            el(
              'li',
              {},
              el('strong', {}, `${r.objectType} #${r.externalId}`),
              ` · refused ${r.attempts} time${r.attempts === 1 ? '' : 's'}, last ${when(r.lastSeenAt)}`,
              el('p', { class: 'wrap' }, r.reason),
            ),
          ),
        ),
      );
    } catch (e) {
      showError(body, e);
    }
  }
  load();
  return { root: el('div', { class: 'quarantine-view' }, body), refresh: load };
}
