import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

// Proof that the room boundaries of docs/architecture.md ("What lint enforces") fail `npm run lint` on a
// planted upward import, and let an allowed one through. The planted files exist only in memory
// (lintText with a path inside the room), so the type-aware parser setup is off for them and only the
// boundary rule runs. ESLint loads its ESM config with a dynamic import, which jest's VM refuses: the
// lint runs in a child node process with the repository's real eslint.config.mjs.
const LINT = `
import { ESLint } from 'eslint';
const eslint = new ESLint({
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
});
const out = [];
for (const { filePath, source } of JSON.parse(process.argv[1])) {
  const [r] = await eslint.lintText(source, { filePath });
  out.push(r.messages.map((m) => (m.fatal ? 'FATAL ' : '') + m.message));
}
console.log(JSON.stringify(out));
`;

type Planted = { filePath: string; source: string };

async function lint(files: Planted[]): Promise<string[][]> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', LINT, JSON.stringify(files)], {
    cwd: resolve(__dirname, '..'),
  });
  return JSON.parse(stdout) as string[][];
}

const use = (from: string, name = 'X') => `import { ${name} } from '${from}';\nexport const y = ${name};\n`;

// [room file, import, the message's start]: one planted upward import per rule in eslint.boundaries.mjs.
const refused: [string, string, string][] = [
  ['src/tickets/repositories/planted.ts', '../queries/tickets.service', 'repositories hold SQL only'],
  ['src/tickets/repositories/planted.ts', '../api/ticket-row.mapper', 'repositories hold SQL only'],
  ['src/sync/repositories/planted.ts', '../api/sync.resolver', 'repositories hold SQL only'],
  ['src/tickets/queries/planted.ts', '../api/dto/tickets-cost', 'queries return rows'],
  ['src/tickets/model/planted.ts', '../repositories/ticket.repository', 'tickets/model imports nothing'],
  ['src/tickets/model/planted.ts', '@nestjs/graphql', 'tickets/model imports nothing'],
  ['src/sync/engine/stages/planted.ts', '../../../connectors/api/models/connector.models', 'the sync engine has no GraphQL'],
  ['src/sync/engine/planted.ts', 'graphql', 'the sync engine has no GraphQL'],
  ['src/sync/engine/planted.ts', '@nestjs/graphql', 'the sync engine has no GraphQL'],
  ['src/sync/engine/planted.ts', '../../common/graphql-errors', 'the sync engine has no GraphQL'],
  ['src/common/graphql/planted.ts', '../../tickets/api/ticket-schema-hints', 'common/ imports no feature room'],
  ['src/common/planted.ts', '../auth/auth-user', 'common/ imports no feature room'],
  [
    'src/gorgias/mappers/planted.ts',
    '../../tickets/repositories/ticket-write.repository',
    'gorgias/ imports config and tickets/model only',
  ],
  ['src/config/planted.ts', '../http-security/origin-policy', 'config/ imports nothing in src/'],
  ['src/sync/engine/planted.ts', 'src/connectors/api/connectors.resolver', 'the sync engine has no GraphQL'],
  ['src/tickets/api/planted.ts', '../changes/ticket-changes.service', 'tickets/api imports'],
  ['src/tickets/queries/planted.ts', '../../sync/engine/run-observer', 'queries return rows'],
  ['src/connectors/credentials/planted.ts', '../../sync/engine/failure-class', 'connectors/ imports'],
  ['src/connectors/planted.ts', '../tickets/repositories/ticket.repository', 'connectors/ imports'],
  ['src/auth/planted.ts', '../tickets/model/ticket.table', 'auth/ imports common and config only'],
  ['src/http-security/planted.ts', '../auth/auth-user', 'http-security/ imports config only'],
  ['src/database/planted.ts', '../sync/sync.constants', 'database/ imports config'],
  ['src/secrets/planted.ts', '../common/uuid', 'secrets/ imports config only'],
];

// Imports the same rooms may make (the arrows that run down).
const allowed: [string, string][] = [
  ['src/tickets/repositories/planted.ts', '../model/ticket.table'],
  ['src/tickets/queries/planted.ts', '../repositories/ticket.repository'],
  ['src/sync/engine/planted.ts', '../../connectors/credentials/connector-credentials'],
  ['src/sync/engine/stages/planted.ts', '../../repositories/sync-run.repository'],
  ['src/gorgias/mappers/planted.ts', '../../tickets/model/ticket.table'],
  ['src/common/graphql/planted.ts', '../graphql-errors'],
  ['src/tickets/model/planted.ts', './columns'],
  ['src/tickets/api/planted.ts', '../queries/tickets.service'],
  ['src/tickets/api/planted.ts', '../../connectors/api/models/connector.models'],
  ['src/connectors/credentials/planted.ts', '../../secrets/secret-cipher'],
  ['src/database/planted.ts', '../../migrations'],
  ['src/auth/planted.ts', '../common/graphql-errors'],
  ['src/sync/engine/planted.ts', '../../tickets/repositories/ticket-write.repository'],
];

describe('import boundaries (eslint.boundaries.mjs)', () => {
  it('refuses each planted upward import with its rule', async () => {
    const results = await lint(refused.map(([filePath, from]) => ({ filePath, source: use(from) })));
    results.forEach((messages, i) => {
      const [filePath, from, why] = refused[i];
      expect({ filePath, from, messages }).toEqual({ filePath, from, messages: [expect.stringContaining(why)] });
    });
  });

  it('lets the downward imports through', async () => {
    const results = await lint(allowed.map(([filePath, from]) => ({ filePath, source: use(from) })));
    results.forEach((messages, i) => expect({ file: allowed[i], messages }).toEqual({ file: allowed[i], messages: [] }));
  });
});
