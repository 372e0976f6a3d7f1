// Small DOM and formatting helpers. Content from the API is always set as text, never as HTML:
// ticket subjects and message bodies come from strangers.

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

export const $ = (sel, root = document) => root.querySelector(sel);

const numberFormat = new Intl.NumberFormat();
export const num = (n) => (n === null || n === undefined ? '–' : numberFormat.format(n));

export function ago(iso) {
  if (!iso) return 'never';
  const s = Math.round((Date.now() - new Date(iso).getTime()) / 1000);
  if (s < 0) return `in ${duration(-s)}`;
  if (s < 5) return 'just now';
  return `${duration(s)} ago`;
}

export function duration(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  if (seconds < 10) return `${Math.max(0, seconds).toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) {
    const s = Math.round(seconds % 60);
    return s ? `${Math.floor(seconds / 60)} min ${s} s` : `${Math.floor(seconds / 60)} min`;
  }
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

/** "1 ticket", "2 tickets" (with the number formatted). */
export const plural = (n, word) => `${num(n)} ${word}${n === 1 ? '' : 's'}`;

export const when = (iso) => (iso ? new Date(iso).toLocaleString() : '–');

/** A badge is text first (screen readers and colour-blind readers), colour second. */
export function badge(text, tone, label) {
  return el(
    'span',
    { class: `badge badge-${tone ?? 'muted'}` },
    label ? el('span', { class: 'visually-hidden' }, `${label}: `) : null,
    text,
  );
}

export const STATUS_TONE = {
  ACTIVE: 'ok',
  DRAFT: 'muted',
  PAUSED: 'muted',
  ERROR: 'bad',
  SUCCEEDED: 'ok',
  RUNNING: 'info',
  QUEUED: 'muted',
  FAILED: 'bad',
  CANCELLED: 'muted',
  HEALTHY: 'ok',
  DEGRADED: 'warn',
  FAILING: 'bad',
  INFO: 'info',
  WARN: 'warn',
  ERROR_LEVEL: 'bad',
};

/** Shows an error where the action was taken, in the API's words. */
export function showError(region, error) {
  region.replaceChildren(el('p', { class: 'error', role: 'alert' }, error.code ? `${error.message} (${error.code})` : error.message));
}

/** A button an admin can press; a reader sees it disabled, saying why ("admin only"). */
export function adminButton(label, onclick, attrs = {}) {
  return document.body.dataset.role === 'admin'
    ? el('button', { type: 'button', ...attrs, onclick }, label)
    : el('button', { type: 'button', ...attrs, disabled: true, title: 'admin only' }, `${label} (admin only)`);
}
