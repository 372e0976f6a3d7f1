import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * The README and docs stand alone in a clone: every link points at a file inside the repository
 * (nothing like ../shared/...), or at a heading of the same page; no web links either.
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
const pages = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

const anchor = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .replace(/\s/g, '-');

describe('README and docs link nothing outside the repository', () => {
  it.each(pages)('%s', (page) => {
    const text = readFileSync(path.join(ROOT, page), 'utf8');
    const anchors = new Set([...text.matchAll(/^#+ (.+)$/gm)].map((m) => anchor(m[1])));
    const problems: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/i.test(target)) {
        problems.push(`${target}: a link outside the repository`);
        continue;
      }
      const [file, hash] = target.split('#');
      if (!file) {
        if (!anchors.has(hash)) problems.push(`#${hash}: no such heading`);
        continue;
      }
      const resolved = path.resolve(ROOT, path.dirname(page), file);
      if (!resolved.startsWith(ROOT + path.sep)) problems.push(`${target}: outside the repository`);
      else if (!existsSync(resolved)) problems.push(`${target}: no such file`);
    }
    expect(problems).toEqual([]);
  });
});
