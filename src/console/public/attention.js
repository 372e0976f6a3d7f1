import { el, when } from './dom.js';

/**
 * One alert for a connector that needs the user: a draft whose connection check failed (the check's
 * code and advice, kept on the connector) or a connector in ERROR. Its action opens Edit with the
 * API key field ready.
 */
export function attentionAlert(c, { role, onUpdateKey }) {
  const failedCheck = c.status === 'DRAFT' && c.lastCheck && !c.lastCheck.ok ? c.lastCheck : null;
  if (!failedCheck && !(c.status === 'ERROR' || (c.lastError && c.status !== 'ACTIVE'))) return null;
  const title = failedCheck
    ? `Needs attention: ${failedCheck.code}. Save & Activate's connection check failed (${when(failedCheck.checkedAt)}).`
    : 'Needs attention: syncing stopped until this is fixed.';
  const message = failedCheck ? failedCheck.message : (c.lastError ?? c.health?.reason ?? '');
  const button =
    role === 'admin'
      ? el('button', { type: 'button', class: 'primary', onclick: () => onUpdateKey(c) }, 'Update API key')
      : el('p', { class: 'muted' }, 'An admin can fix this (admin only).');
  return el(
    'div',
    { class: 'attention', role: 'alert', 'data-testid': 'attention', 'data-code': failedCheck?.code ?? c.lastCheck?.code ?? '' },
    el('p', {}, el('strong', {}, title)),
    el('p', { class: 'wrap' }, message),
    button,
  );
}
