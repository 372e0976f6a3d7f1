import { Q } from './api.js';
import { runCheck } from './check-runner.js';
import { confirmAction } from './confirm-dialog.js';
import { el, num, showError } from './dom.js';

const ACTIVE_RUN = ['RUNNING', 'QUEUED'];

/**
 * The connector's actions, for admins only (a reader's token may not change anything: the
 * buttons are not shown, a note says why). Costly ones ask first.
 */
export function connectorActions(api, c, { role, onChanged, onEdit, onDeleted, announce, result }) {
  if (role !== 'admin') {
    return el(
      'p',
      { class: 'muted read-only', 'data-testid': 'read-only' },
      'Read-only: changing connectors needs an admin token (admin only).',
    );
  }
  const run = c.latestRun && ACTIVE_RUN.includes(c.latestRun.status) ? c.latestRun : null;
  const act = (label, fn, cls = 'secondary') => {
    const b = el('button', { type: 'button', class: cls }, label);
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        await fn();
      } catch (e) {
        showError(result, e);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  };
  const done = (message) => {
    announce(message);
    result.replaceChildren(el('p', { class: 'muted' }, message));
    onChanged();
  };
  const activate = async (what) => {
    try {
      await api.gql(Q.activate, { id: c.id });
    } catch (e) {
      if (e.code === 'CONNECTION_CHECK_FAILED' && e.extensions?.checkCode) {
        // The check is kept on the connector: the page shows it as "needs attention" with the guide's code.
        announce(`Connection failed: ${e.extensions.checkCode}. ${e.message}`);
        onChanged();
        return;
      }
      throw e;
    }
    done(what);
  };

  const buttons = [
    act('Test connection', () =>
      runCheck(result, async (signal) => (await api.gql(Q.testSaved, { id: c.id }, { signal })).testConnectorConnection),
    ),
  ];
  if (c.status === 'PAUSED') buttons.push(act('Resume', () => activate(`${c.name} is active again; a sync has started.`), 'primary'));
  else if (c.status !== 'ACTIVE')
    buttons.push(act('Save & Activate', () => activate(`${c.name} is active; the first sync has started.`), 'primary'));
  if (c.status === 'ACTIVE') {
    buttons.push(
      act(
        'Sync now',
        async () => {
          if (run) return done('A sync is already running: its progress is shown below.');
          await api.gql(Q.trigger, { id: c.id, mode: 'INCREMENTAL' });
          done('Sync started.');
        },
        'primary',
      ),
      act('Full resync', async () => {
        const ok = await confirmAction({
          title: 'Run a full resync?',
          body: [
            `It reads every ticket and message of ${c.subdomain}.gorgias.com again (${num(c.ticketCount)} tickets, ${num(c.messageCount)} messages): it can take long and uses a large share of the Gorgias API budget.`,
            'Use it when data looks incomplete. Regular syncs already pick up every change.',
          ],
          confirm: 'Run full resync',
        });
        if (!ok) return;
        await api.gql(Q.trigger, { id: c.id, mode: 'FULL' });
        done(run ? 'A sync is already running; the full resync was not started.' : 'Full resync started.');
      }),
    );
    if (run && run.error) {
      buttons.push(
        act('Retry now', async () => {
          await api.gql(Q.retry, { id: c.id });
          done('Retrying now.');
        }),
      );
    }
    if (run) {
      buttons.push(
        act('Cancel sync', async () => {
          await api.gql(Q.cancel, { id: c.id });
          done('Sync cancelled; the connector stays active and syncs again on schedule.');
        }),
      );
    }
    buttons.push(
      act('Pause', async () => {
        if (run) {
          const ok = await confirmAction({
            title: 'Pause during a sync?',
            body: ['The running sync is cancelled (what it stored is kept) and no sync runs until you resume.'],
            confirm: 'Pause and cancel the sync',
          });
          if (!ok) return;
        }
        await api.gql(Q.pause, { id: c.id });
        done(`${c.name} is paused.`);
      }),
    );
  }
  buttons.push(
    act('Edit', async () => onEdit(c)),
    act(
      'Delete',
      async () => {
        const ok = await confirmAction({
          title: `Delete ${c.name}?`,
          body: [
            `This removes the connector for ${c.subdomain}.gorgias.com and everything it copied: ${num(c.ticketCount)} tickets, ${num(c.messageCount)} messages, its sync runs and sync log, and its webhook in Gorgias.`,
            'Nothing is deleted in Gorgias itself. This cannot be undone.',
          ],
          confirm: 'Delete connector and its data',
          danger: true,
        });
        if (!ok) return;
        await api.gql(Q.remove, { id: c.id });
        announce(`${c.name} was deleted.`);
        onDeleted(c);
      },
      'secondary danger-outline',
    ),
  );
  return el('div', { class: 'actions' }, ...buttons);
}
