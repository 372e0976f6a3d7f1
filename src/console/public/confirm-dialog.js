import { el } from './dom.js';

/**
 * Asks before an action that costs something (a full resync, a pause during a run, a deletion).
 * A native modal <dialog>: focus stays inside, Escape cancels. Resolves true when confirmed.
 */
export function confirmAction({ title, body, confirm, danger = false }) {
  return new Promise((resolve) => {
    const yes = el('button', { type: 'button', class: danger ? 'danger' : '' }, confirm);
    const no = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
    const dialog = el(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-h', 'aria-describedby': 'confirm-body' },
      el('h2', { id: 'confirm-h' }, title),
      el('div', { id: 'confirm-body' }, ...[body].flat().map((p) => el('p', {}, p))),
      el('div', { class: 'actions' }, yes, no),
    );
    const close = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    yes.addEventListener('click', () => close(true));
    no.addEventListener('click', () => close(false));
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    no.focus();
  });
}
