import { el } from './dom.js';

/** The words a search looks for ("quoted phrases" as words, OR and -excluded words left out). */
export function searchWords(search) {
  return (search ?? '')
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((w) => w && w !== 'OR' && !w.startsWith('-'))
    .map((w) => w.toLowerCase());
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
  const pattern = new RegExp(`(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
  const nodes = part.split(pattern).map((piece, i) => (i % 2 === 1 ? el('mark', {}, piece) : piece));
  return el('span', { class: 'snippet' }, start > 0 ? '…' : '', nodes, start + 180 < text.length ? '…' : '');
}
