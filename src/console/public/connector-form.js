import { Q } from './api.js';
import { checkResult } from './check-result.js';
import { runCheck } from './check-runner.js';
import { FIELDS, fieldProblem, fieldRow } from './connector-fields.js';
import { el, showError } from './dom.js';

export { checkResult };

/**
 * Add Connector: Test Connection (nothing stored), then Save & Activate (saved, checked again, first
 * sync starts). With `existing`, the same form edits a saved connector (e.g. a new API key after
 * the old one was revoked): an empty API key keeps the stored one. When Save & Activate saved a
 * draft but its check failed, the form goes on editing that draft, so the next Save & Activate
 * updates and activates it (never a second connector).
 */
export function connectorForm(api, { onSaved, onCancel, existing, focusField }) {
  let draft = existing ?? null;
  const inputs = {};
  const rows = {};
  for (const f of FIELDS) {
    inputs[f.name] = el('input', {
      id: `connector-${f.name}`,
      name: f.name,
      type: f.type,
      autocomplete: f.autocomplete,
      required: f.required && !(existing && f.name === 'apiKey'),
      placeholder: f.placeholder,
      spellcheck: 'false',
    });
    if (existing && f.name !== 'apiKey') inputs[f.name].value = existing[f.name] ?? '';
    const hint = existing && f.name === 'apiKey' ? `Leave empty to keep the current key (•••• ${existing.apiKeyLast4}). ${f.hint}` : f.hint;
    rows[f.name] = fieldRow(f, inputs[f.name], hint);
  }
  // No interval field: the connector polls every SYNC_POLL_SECONDS (a minute by default) webhooks or
  // not, and the interval (5 minutes at least) only caps that gap, so at default settings it changes
  // nothing. It stays in the API (syncIntervalMinutes) for a gateway whose poll is set longer.
  const title = el('h2', { id: 'add-h', tabindex: '-1' }, existing ? `Edit ${existing.name}` : 'Add a Gorgias connector');
  const intro = el(
    'p',
    { class: 'muted' },
    existing
      ? 'Change what Gorgias needs, test the connection, then save.'
      : 'Syncs tickets and messages from your Gorgias helpdesk. Test the connection first, then save it: the first sync starts at once.',
  );
  const activates = () => !draft || draft.status !== 'ACTIVE';
  const result = el('div', { class: 'form-result', 'aria-live': 'polite' });
  const test = el('button', { type: 'button', class: 'secondary' }, 'Test connection');
  const save = el('button', { type: 'submit' }, activates() ? 'Save & Activate' : 'Save');
  const cancel = el('button', { type: 'button', class: 'link' }, 'Cancel');
  const form = el(
    'form',
    { class: 'connector-form', 'aria-labelledby': 'add-h', novalidate: true },
    title,
    intro,
    ...FIELDS.map((f) => rows[f.name].row),
    result,
    el('div', { class: 'actions' }, test, save, cancel),
  );

  const credentials = () => ({
    email: inputs.email.value.trim(),
    apiKey: inputs.apiKey.value.trim(),
    subdomain: inputs.subdomain.value.trim(),
  });
  /** Marks each field's own problem; true when all are fine. */
  const valid = (names) => {
    let first = null;
    for (const f of FIELDS.filter((x) => names.includes(x.name))) {
      const problem = fieldProblem(f, inputs[f.name].value.trim(), { keepKey: !!draft });
      rows[f.name].setError(problem);
      if (problem && !first) first = inputs[f.name];
    }
    first?.focus();
    return !first;
  };
  const busy = (on, what) => {
    for (const b of [test, save]) b.disabled = on;
    form.setAttribute('aria-busy', String(on));
    if (on) result.replaceChildren(el('p', { class: 'muted' }, what));
  };
  /** The check's own box (title and the guide's code) when Save & Activate's check refused. */
  const showFailure = (err) => {
    if (err.code === 'CONNECTION_CHECK_FAILED' && err.extensions?.checkCode) {
      result.replaceChildren(checkResult({ ok: false, code: err.extensions.checkCode, message: err.message }));
    } else showError(result, err);
  };

  test.addEventListener('click', async () => {
    if (!valid(draft && !inputs.apiKey.value.trim() ? [] : ['email', 'apiKey', 'subdomain'])) return;
    busy(true);
    try {
      // Editing without a new key: only the saved connector can be tested (the key is not readable).
      const saved = draft && !inputs.apiKey.value.trim() ? draft.id : null;
      const input = credentials();
      await runCheck(result, async (signal) =>
        saved
          ? (await api.gql(Q.testSaved, { id: saved }, { signal })).testConnectorConnection
          : (await api.gql(Q.check, { input }, { signal })).checkGorgiasCredentials,
      );
    } finally {
      busy(false);
    }
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!valid(['email', 'apiKey', 'subdomain'])) return;
    busy(true, activates() ? 'Saving, checking the connection and starting the first sync…' : 'Saving…');
    let id = draft?.id;
    const activate = activates();
    try {
      const input = { ...credentials(), name: inputs.name.value.trim() || undefined };
      if (draft) {
        if (!input.apiKey) delete input.apiKey;
        await api.gql(Q.update, { id, input });
      } else {
        id = (await api.gql(Q.create, { input })).createGorgiasConnector.id;
        draft = { id, status: 'DRAFT', name: input.name ?? `Gorgias (${input.subdomain})`, apiKeyLast4: input.apiKey.slice(-4) };
      }
      if (activate) await api.gql(Q.activate, { id });
      onSaved(id);
    } catch (err) {
      showFailure(err);
      if (id && !existing) becomeDraftEditor();
    } finally {
      busy(false);
    }
  });

  /** After a first Save & Activate saved the draft: the same form now edits it. */
  function becomeDraftEditor() {
    if (existing) return;
    existing = draft;
    title.textContent = `Finish setting up ${draft.name}`;
    intro.textContent =
      'Saved as a draft. Fix what the check says above, then choose Save & Activate again: it updates this draft and activates it.';
    rows.apiKey.setError(null);
    inputs.apiKey.required = false;
    onSaved(draft.id, { keepForm: true });
  }

  cancel.addEventListener('click', onCancel);
  form.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') onCancel();
  });
  return {
    root: form,
    focus: () => (focusField && inputs[focusField] ? inputs[focusField] : title).focus(),
  };
}
