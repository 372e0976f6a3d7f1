// The one-way arrows of docs/architecture.md ("What lint enforces"), as `no-restricted-imports`.
//
// The rule matches the import string, not the resolved file, so each room gets one config per folder
// depth, whose patterns spell the exact relative path from that depth ('../queries/…' from
// src/tickets/repositories/, '../../queries/…' one folder deeper). A room's rules are merged into one
// config per file because ESLint replaces, not merges, a rule's options when two configs match a file.
import path from 'node:path';

/** Deepest folder nesting inside a room that gets a config (src/sync/engine/refresh/… is 1). */
const MAX_DEPTH = 4;

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Each rule: the room (a folder under src/) it applies to, and what its files may not import:
 * - `into`: folders under src/ (e.g. 'tickets/queries'); `except` lists subfolders still allowed,
 * - `leaveRoom`: anything outside the room itself (for rooms that import nothing in src/),
 * - `segments`: any import with a path segment of that name (e.g. every `api/` folder),
 * - `packages`: regexes on package names.
 * `why` is the message, and the line of docs/architecture.md that states it.
 */
export const BOUNDARIES = [
  {
    room: 'tickets/repositories',
    into: ['tickets/queries', 'tickets/changes'],
    segments: ['api'],
    why: 'repositories hold SQL only: they never import queries/ or any api/ (rows go up, not down)',
  },
  {
    room: 'sync/repositories',
    segments: ['api', 'queries'],
    why: 'repositories hold SQL only: they never import queries/ or any api/',
  },
  {
    room: 'tickets/queries',
    into: ['tickets/api', 'tickets/changes'],
    why: 'queries return rows: they never import tickets/api or tickets/changes (the API maps rows to GraphQL)',
  },
  {
    room: 'tickets/model',
    leaveRoom: true,
    packages: ['^@nestjs/', '^graphql', '^typeorm$', '^pg$'],
    why: 'tickets/model imports nothing: no other room, no Nest, no GraphQL, no TypeORM (anyone may import it)',
  },
  {
    room: 'sync/engine',
    segments: ['api', 'graphql'],
    into: ['common/graphql-errors'],
    packages: ['^graphql', '^@nestjs/graphql$', '^@nestjs/apollo$'],
    why: 'the sync engine has no GraphQL in it: no graphql, @nestjs/graphql, src/graphql, common/graphql* or any api/',
  },
  {
    room: 'common',
    leaveRoom: true,
    why: 'common/ imports no feature room (a plugin is told what it needs by its caller)',
  },
  {
    room: 'gorgias',
    into: ['tickets'],
    except: ['model'],
    why: 'gorgias/ imports nothing of tickets/ but tickets/model (its mappers produce the write rows)',
  },
  {
    room: 'config',
    leaveRoom: true,
    why: 'config/ imports nothing in src/ (every room reads it; it reads none)',
  },
];

/** The relative path from `dir` (under the repository root) to src/<target>, as an import spells it. */
function relativeTo(dir, target) {
  const rel = path.posix.relative(dir, `src/${target}`);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function patternsAt(rule, depth) {
  const dir = `src/${rule.room}${'/x'.repeat(depth)}`;
  const message = `${rule.why} (docs/architecture.md, "What lint enforces").`;
  const regexes = [];
  for (const target of rule.into ?? []) {
    const allowed = rule.except?.length ? `(?!(${rule.except.map(escape).join('|')})(/|$))` : '';
    regexes.push(`^${escape(relativeTo(dir, target))}(${allowed ? `/${allowed}` : '(/|$)'})`);
  }
  if (rule.leaveRoom) regexes.push(`^(\\.\\./){${depth + 1}}`);
  for (const s of rule.segments ?? []) regexes.push(`^\\.{1,2}/(.*/)?${escape(s)}(/|$)`);
  // A bare 'src/…' import (tsconfig's baseUrl allows it) would slip past the relative patterns above.
  regexes.push('^src/');
  return [...regexes, ...(rule.packages ?? [])].map((regex) => ({ regex, message }));
}

/** One flat-config object per room and depth, so that each file gets exactly one set of patterns. */
export function boundaryConfigs() {
  return BOUNDARIES.flatMap((rule) =>
    Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
      files: [`src/${rule.room}/${'*/'.repeat(depth)}*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns: patternsAt(rule, depth) }] },
    })),
  );
}
