import { el } from './dom.js';

/** The words a search looks for ("quoted phrases" as words, OR and -excluded words left out). */
export function searchWords(search) {
  return (search ?? '')
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((w) => w && w !== 'OR' && !w.startsWith('-'))
    .map((w) => w.toLowerCase());
}

const escaped = (w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `text` with the search's words marked: text pieces (the caller appends them as text nodes, see
 * dom.js `el`) and <mark> elements holding text. Never HTML: a body saying `<b>` shows `<b>`.
 */
export function highlighted(text, search) {
  const words = searchWords(search);
  if (!text || !words.length) return [text ?? ''];
  const pattern = new RegExp(`(${words.map(escaped).join('|')})`, 'gi');
  return text.split(pattern).map((piece, i) => (i % 2 === 1 ? el('mark', {}, piece) : piece));
}

/**
 * Why a ticket matched: the subject or description around the first word found, with the words
 * marked (built as text nodes and <mark> elements: never HTML). Search also reads message bodies,
 * so a ticket may match where no excerpt is shown.
 */
export function searchSnippet(ticket, search) {
  const words = searchWords(search);
  if (!words.length) return null;
  const text = `${ticket.subject ?? ''} — ${ticket.description ?? ''}`.replace(/\s+/g, ' ');
  const lower = text.toLowerCase();
  const at = Math.min(...words.map((w) => lower.indexOf(w)).filter((i) => i >= 0));
  if (!Number.isFinite(at)) return el('span', { class: 'snippet muted' }, 'Matched in its messages.');
  const start = Math.max(0, at - 60);
  const part = text.slice(start, start + 180);
  return el('span', { class: 'snippet' }, start > 0 ? '…' : '', highlighted(part, search), start + 180 < text.length ? '…' : '');
}
