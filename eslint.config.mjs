// Type-aware lint: the rules that catch what tests miss in async code (a promise nobody awaits, an await
// on something that is not a promise, an async function with nothing to await, a promise passed where a
// callback is expected, a switch that forgot a case), loose equality, and the import boundaries between
// rooms (eslint.boundaries.mjs, listed in docs/architecture.md). Formatting is Prettier's.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { boundaryConfigs } from './eslint.boundaries.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'src/console/public/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      // The type-aware version replaces the core rule (which does not know a method must stay async for an interface).
      'require-await': 'off',
      '@typescript-eslint/require-await': 'error',
      // `x == null` stays allowed: it is the one loose comparison that says what it means (null or undefined).
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      'no-control-regex': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Test doubles implement async interfaces with canned answers (fake clients, iterators, jest setup): an
    // async function without await is their normal shape, so require-await checks production code only.
    files: ['**/*.spec.ts', 'test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  ...boundaryConfigs(),
  prettier,
);
