import { Q } from './api.js';
import { el, showError } from './dom.js';

/** The setup guide's hint for each field, beside the field. */
const FIELDS = [
  {
    name: 'email',
    label: 'Email',
    type: 'email',
    autocomplete: 'username',
    required: true,
    hint: 'Your Gorgias account email: the one you log in to Gorgias with.',
  },
  {
    name: 'apiKey',
    label: 'API key',
    type: 'password',
    autocomplete: 'off',
    required: true,
    hint: 'In Gorgias, as an administrator: Settings › REST API › Create API Key, named “cxconnect.ai Sync”, with read access to tickets and messages. Copy it at once: Gorgias shows it only once. We store it encrypted and never show it again.',
  },
  {
    name: 'subdomain',
    label: 'Subdomain',
    type: 'text',
    autocomplete: 'off',
    required: true,
    placeholder: 'company',
    hint: 'The first part of your Gorgias URL: company for https://company.gorgias.com, acme-support for https://acme-support.gorgias.com. A pasted URL works too.',
  },
  {
    name: 'name',
    label: 'Name (optional)',
    type: 'text',
    autocomplete: 'off',
    hint: 'How this connector is listed here; defaults to “Gorgias (subdomain)”.',
  },
];

export function checkResult(check) {
  const abilities = check.ok
    ? ` Can read tickets: ${check.canReadTickets ? 'yes' : 'no'}; messages: ${check.canReadMessages ? 'yes' : 'no'}.`
    : '';
  return el(
    'div',
    { class: `check ${check.ok ? 'check-ok' : 'check-bad'}`, role: check.ok ? 'status' : 'alert', 'data-code': check.code },
    el(
      'p',
      {},
      el(
        'strong',
        {},
        check.ok ? `Connected${check.accountDomain ? ` to ${check.accountDomain}` : ''}` : `Connection failed: ${check.code}`,
      ),
    ),
    el('p', {}, check.message + abilities),
  );
}

/**
 * Add Connector: Test Connection (nothing stored), then Save & Activate (saved, checked again, first
 * sync starts). With `existing`, the same form edits a saved connector (e.g. a new API key after
 * the old one was revoked): an empty API key keeps the stored one.
 */
export function connectorForm(api, { onSaved, onCancel, existing }) {
  const inputs = {};
  const rows = FIELDS.map((f) => {
    const id = `connector-${f.name}`;
    const keepKey = existing && f.name === 'apiKey';
    inputs[f.name] = el('input', {
      id,
      name: f.name,
      type: f.type,
      autocomplete: f.autocomplete,
      required: f.required && !keepKey,
      placeholder: f.placeholder,
      'aria-describedby': `${id}-hint`,
      spellcheck: 'false',
    });
    if (existing && f.name !== 'apiKey') inputs[f.name].value = existing[f.name] ?? '';
    const hint = keepKey ? `Leave empty to keep the current key (•••• ${existing.apiKeyLast4}). ${f.hint}` : f.hint;
    return el(
      'div',
      { class: 'field' },
      el('label', { for: id }, f.label),
      inputs[f.name],
      el('p', { class: 'hint', id: `${id}-hint` }, hint),
    );
  });
  const activates = !existing || existing.status !== 'ACTIVE';
  const result = el('div', { class: 'form-result', 'aria-live': 'polite' });
  const test = el('button', { type: 'button', class: 'secondary' }, 'Test connection');
  const save = el('button', { type: 'submit' }, activates ? 'Save & Activate' : 'Save');
  const cancel = el('button', { type: 'button', class: 'link' }, 'Cancel');
  const form = el(
    'form',
    { class: 'connector-form', 'aria-labelledby': 'add-h', novalidate: true },
    el('h2', { id: 'add-h', tabindex: '-1' }, existing ? `Edit ${existing.name}` : 'Add a Gorgias connector'),
    el(
      'p',
      { class: 'muted' },
      existing
        ? 'Change what Gorgias needs, test the connection, then save.'
        : 'Syncs tickets and messages from your Gorgias helpdesk. Test the connection first, then save it: the first sync starts at once.',
    ),
    ...rows,
    result,
    el('div', { class: 'actions' }, test, save, cancel),
  );

  const credentials = () => ({
    email: inputs.email.value.trim(),
    apiKey: inputs.apiKey.value.trim(),
    subdomain: inputs.subdomain.value.trim(),
  });
  const busy = (on, what) => {
    for (const b of [test, save]) b.disabled = on;
    form.setAttribute('aria-busy', String(on));
    if (on) result.replaceChildren(el('p', { class: 'muted' }, what));
  };

  test.addEventListener('click', async () => {
    busy(true, 'Testing the connection with Gorgias…');
    try {
      // Editing without a new key: only the saved connector can be tested (the key is not readable).
      const check =
        existing && !inputs.apiKey.value.trim()
          ? (await api.gql(Q.testSaved, { id: existing.id })).testConnectorConnection
          : (await api.gql(Q.check, { input: credentials() })).checkGorgiasCredentials;
      result.replaceChildren(checkResult(check));
    } catch (e) {
      showError(result, e);
    } finally {
      busy(false);
    }
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    busy(true, 'Saving, checking the connection and starting the first sync…');
    let id = existing?.id;
    try {
      const input = { ...credentials(), name: inputs.name.value.trim() || undefined };
      if (existing) {
        if (!input.apiKey) delete input.apiKey;
        await api.gql(Q.update, { id, input });
      } else {
        id = (await api.gql(Q.create, { input })).createGorgiasConnector.id;
      }
      if (activates) await api.gql(Q.activate, { id });
      onSaved(id);
    } catch (err) {
      showError(result, err);
      if (id && !existing) {
        result.append(
          el('p', { class: 'muted' }, 'The connector was saved as a draft; fix the problem above, then use Save & Activate on it.'),
        );
        onSaved(id, { keepForm: true });
      }
    } finally {
      busy(false);
    }
  });
  cancel.addEventListener('click', onCancel);
  return { root: form, focus: () => form.querySelector('h2').focus() };
}
