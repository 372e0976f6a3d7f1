/**
 * The Citus tier (`npm run test:citus`): specs in test/citus on a local coordinator + 2 workers, which the
 * global setup builds (when Citus is missing) and starts with scripts/citus-cluster.sh. A separate config so
 * that `npm test` neither builds nor starts Citus. To run an e2e suite on the cluster, add a project with its
 * testRegex and the same globalSetup: test/support/test-database.ts then creates its databases on the cluster.
 * Suites that spawn the built gateway (test/support/app-process.ts) need `npm run build` first, as in `npm test`.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];
module.exports = {
  projects: [
    {
      displayName: 'citus',
      testEnvironment: 'node',
      rootDir: '.',
      roots: ['<rootDir>/test/citus'],
      testRegex: '.*\\.citus-spec\\.ts$',
      transform: { '^.+\\.ts$': tsJest },
      moduleFileExtensions: ['ts', 'js', 'json'],
      globalSetup: '<rootDir>/test/citus/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/citus/support/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/support/jest-timeout.ts'],
    },
  ],
};
