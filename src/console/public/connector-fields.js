import { el } from './dom.js';

/** The setup guide's hint for each field, beside the field. */
export const FIELDS = [
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

/** One labelled field with its hint and a place for its own error (aria-describedby names both). */
export function fieldRow(f, input, hintText) {
  const id = input.id;
  const error = el('p', { class: 'field-error', id: `${id}-error`, hidden: true });
  input.setAttribute('aria-describedby', `${id}-hint ${id}-error`);
  const row = el(
    'div',
    { class: 'field' },
    el('label', { for: id }, f.label),
    el('div', { class: 'field-input' }, input, error),
    el('p', { class: 'hint', id: `${id}-hint` }, hintText),
  );
  return {
    row,
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = !message;
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
  };
}

/** The browser's own checks, in plain words, before anything is sent. */
export function fieldProblem(f, value, { keepKey }) {
  if (f.required && !(keepKey && f.name === 'apiKey') && !value) return `${f.label} is required.`;
  if (f.name === 'email' && value && !/^[^\s@]+@[^\s@]+$/.test(value)) return 'Enter the email address you log in to Gorgias with.';
  if (f.name === 'apiKey' && /\s/.test(value)) return 'Paste only the API key: it has no spaces.';
  return null;
}
