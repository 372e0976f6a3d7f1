import { Q } from './api.js';
import { el, showError } from './dom.js';

/** The setup guide's hint for each field, beside the field. */
const FIELDS = [
  { name: 'email', label: 'Email', type: 'email', autocomplete: 'username', required: true,
    hint: 'Your Gorgias account email: the one you log in to Gorgias with.' },
  { name: 'apiKey', label: 'API key', type: 'password', autocomplete: 'off', required: true,
    hint: 'In Gorgias, as an administrator: Settings › REST API › Create API Key, named “cxconnect.ai Sync”, with read access to tickets and messages. Copy it at once: Gorgias shows it only once. We store it encrypted and never show it again.' },
  { name: 'subdomain', label: 'Subdomain', type: 'text', autocomplete: 'off', required: true, placeholder: 'company',
    hint: 'The first part of your Gorgias URL: company for https://company.gorgias.com, acme-support for https://acme-support.gorgias.com. A pasted URL works too.' },
  { name: 'name', label: 'Name (optional)', type: 'text', autocomplete: 'off',
    hint: 'How this connector is listed here; defaults to “Gorgias (subdomain)”.' },
];

export function checkResult(check) {
  const abilities = check.ok ? ` Can read tickets: ${check.canReadTickets ? 'yes' : 'no'}; messages: ${check.canReadMessages ? 'yes' : 'no'}.` : '';
  return el('div', { class: `check ${check.ok ? 'check-ok' : 'check-bad'}`, role: check.ok ? 'status' : 'alert', 'data-code': check.code },
    el('p', {}, el('strong', {}, check.ok ? `Connected${check.accountDomain ? ` to ${check.accountDomain}` : ''}` : `Connection failed: ${check.code}`)),
    el('p', {}, check.message + abilities));
}

/** Add Connector: Test Connection (nothing stored), then Save & Activate (saved, checked again, first sync starts). */
export function connectorForm(api, { onSaved, onCancel }) {
  const inputs = {};
  const rows = FIELDS.map((f) => {
    const id = `connector-${f.name}`;
    inputs[f.name] = el('input', { id, name: f.name, type: f.type, autocomplete: f.autocomplete, required: f.required, placeholder: f.placeholder, 'aria-describedby': `${id}-hint`, spellcheck: 'false' });
    return el('div', { class: 'field' },
      el('label', { for: id }, f.label), inputs[f.name], el('p', { class: 'hint', id: `${id}-hint` }, f.hint));
  });
  const result = el('div', { class: 'form-result', 'aria-live': 'polite' });
  const test = el('button', { type: 'button', class: 'secondary' }, 'Test connection');
  const save = el('button', { type: 'submit' }, 'Save & Activate');
  const cancel = el('button', { type: 'button', class: 'link' }, 'Cancel');
  const form = el('form', { class: 'connector-form', 'aria-labelledby': 'add-h', novalidate: true },
    el('h2', { id: 'add-h', tabindex: '-1' }, 'Add a Gorgias connector'),
    el('p', { class: 'muted' }, 'Syncs tickets and messages from your Gorgias helpdesk. Test the connection first, then save it: the first sync starts at once.'),
    ...rows, result, el('div', { class: 'actions' }, test, save, cancel));

  const credentials = () => ({ email: inputs.email.value.trim(), apiKey: inputs.apiKey.value.trim(), subdomain: inputs.subdomain.value.trim() });
  const busy = (on, what) => {
    for (const b of [test, save]) b.disabled = on;
    form.setAttribute('aria-busy', String(on));
    if (on) result.replaceChildren(el('p', { class: 'muted' }, what));
  };

  test.addEventListener('click', async () => {
    busy(true, 'Testing the connection with Gorgias…');
    try {
      const { checkGorgiasCredentials } = await api.gql(Q.check, { input: credentials() });
      result.replaceChildren(checkResult(checkGorgiasCredentials));
    } catch (e) {
      showError(result, e);
    } finally {
      busy(false);
    }
  });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    busy(true, 'Saving, checking the connection and starting the first sync…');
    let id;
    try {
      const input = { ...credentials(), name: inputs.name.value.trim() || undefined };
      id = (await api.gql(Q.create, { input })).createGorgiasConnector.id;
      await api.gql(Q.activate, { id });
      onSaved(id);
    } catch (err) {
      showError(result, err);
      if (id) {
        result.append(el('p', { class: 'muted' }, 'The connector was saved as a draft; fix the problem above, then use Save & Activate on it.'));
        onSaved(id, { keepForm: true });
      }
    } finally {
      busy(false);
    }
  });
  cancel.addEventListener('click', onCancel);
  return { root: form, focus: () => form.querySelector('h2').focus() };
}
