// The one-way arrows of docs/architecture.md ("What lint enforces"), as `no-restricted-imports`.
//
// The rule matches the import string, not the resolved file, so each room gets one config per folder
// depth, whose patterns spell the exact relative path from that depth ('../queries/…' from
// src/tickets/repositories/, '../../queries/…' one folder deeper). Rooms do not nest, so each file gets
// exactly one config: ESLint replaces, not merges, a rule's options when two configs match a file.
import path from 'node:path';

/** Deepest folder nesting inside a room that gets a config (src/sync/engine/refresh/… is 1). */
const MAX_DEPTH = 4;

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Each rule: the room (a folder under src/) it applies to, and what its files may not import:
 * - `only`: nothing outside the room but these folders (relative to src/; '../migrations' is the
 *   top-level migrations folder): the table's "may import" column, for rooms where it is a closed list,
 * - `into`: these folders under src/ (for rooms that may import everything else below them),
 * - `segments`: any relative import with a path segment of that name (e.g. every `api/` folder),
 * - `packages`: regexes on package names.
 * `why` is the message; docs/architecture.md lists each rule under "What lint enforces".
 */
export const BOUNDARIES = [
  {
    room: 'tickets/model',
    only: [],
    packages: ['^@nestjs/', '^graphql', '^typeorm$', '^pg$'],
    why: 'tickets/model imports nothing: no other room, no Nest, no GraphQL, no TypeORM (anyone may import it)',
  },
  {
    room: 'tickets/repositories',
    only: ['tickets/model', 'database'],
    why: 'repositories hold SQL only: they import tickets/model and database, never queries/ or any api/',
  },
  {
    room: 'tickets/queries',
    only: ['tickets/repositories', 'tickets/model', 'auth', 'common', 'database'],
    why: 'queries return rows: they import tickets/repositories, tickets/model, auth, common, database, never tickets/api',
  },
  {
    room: 'tickets/api',
    only: ['tickets/queries', 'tickets/model', 'auth', 'common', 'connectors'],
    why: 'tickets/api imports tickets/queries, tickets/model, auth, common and connectors, never the feed (tickets/changes) or SQL',
  },
  {
    room: 'sync/repositories',
    segments: ['api', 'queries'],
    why: 'repositories hold SQL only: they never import queries/ or any api/',
  },
  {
    room: 'sync/engine',
    segments: ['api', 'graphql'],
    into: ['common/graphql-errors'],
    packages: ['^graphql', '^@nestjs/graphql$', '^@nestjs/apollo$'],
    why: 'the sync engine has no GraphQL in it: no graphql, @nestjs/graphql, src/graphql, common/graphql* or any api/',
  },
  {
    room: 'connectors',
    only: ['gorgias', 'secrets', 'auth', 'common', 'database', 'config'],
    why: 'connectors/ imports gorgias, secrets, auth, common, database and config, never sync/ or tickets/',
  },
  {
    room: 'gorgias',
    only: ['config', 'tickets/model'],
    why: 'gorgias/ imports config and tickets/model only (its mappers produce the write rows), no other tickets/ internals',
  },
  { room: 'auth', only: ['common', 'config'], why: 'auth/ imports common and config only' },
  { room: 'common', only: [], why: 'common/ imports no feature room (a plugin is told what it needs by its caller)' },
  { room: 'database', only: ['config', '../migrations'], why: 'database/ imports config (and the migrations it runs) only' },
  { room: 'secrets', only: ['config'], why: 'secrets/ imports config only' },
  { room: 'http-security', only: ['config'], why: 'http-security/ imports config only' },
  { room: 'config', only: [], why: 'config/ imports nothing in src/ (every room reads it; it reads none)' },
];

/**
 * Narrow exceptions: files that break their room's rule today, each with the change that removes it.
 * They get no boundary config at all (a file matched by two configs would lose the room's rule anyway).
 */
const EXCEPTIONS = [];

/** The relative path from `dir` (under the repository root) to src/<target>, as an import spells it. */
function relativeTo(dir, target) {
  const rel = path.posix.relative(dir, path.posix.join('src', target));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function patternsAt(rule, depth) {
  const dir = `src/${rule.room}${'/x'.repeat(depth)}`;
  const message = `${rule.why} (docs/architecture.md, "What lint enforces").`;
  const regexes = [];
  if (rule.only) {
    // Climbing out of the room (one '../' per level, plus one) into anything but an allowed folder.
    const allowed = rule.only.map((t) => escape(relativeTo(dir, t)));
    const unless = allowed.length ? `(?!(${allowed.join('|')})(/|$))` : '';
    regexes.push(`^${unless}(\\.\\./){${depth + 1}}`);
  }
  for (const target of rule.into ?? []) regexes.push(`^${escape(relativeTo(dir, target))}(/|$)`);
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
      ignores: EXCEPTIONS,
      rules: { 'no-restricted-imports': ['error', { patterns: patternsAt(rule, depth) }] },
    })),
  );
}
