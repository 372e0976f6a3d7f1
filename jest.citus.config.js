/**
 * The Citus tier (`npm run test:citus`): specs in test/citus on a local coordinator + 2 workers, which the
 * global setup builds (when Citus is missing) and starts with scripts/citus-cluster.sh. A separate config so
 * that `npm test` neither builds nor starts Citus. To run an e2e suite on the cluster, add it to E2E_ON_CITUS:
 * test/support/test-database.ts then creates its databases on the cluster.
 * Suites that spawn the built gateway (test/support/app-process.ts) need `npm run build` first, as in `npm test`.
 */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json', isolatedModules: true }];
const cluster = {
  testEnvironment: 'node',
  rootDir: '.',
  transform: { '^.+\\.ts$': tsJest },
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/citus/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/citus/support/global-teardown.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/jest-timeout.ts'],
};
/**
 * Integration specs on the cluster: the migration of a database in use, and the repositories and stages of the
 * sync on distributed tables. Left out: ticket-read-plans (PostgreSQL's own plan cache, which Citus' router
 * planner replaces) and poison-records (it runs migrations down; undoing the distribution is not supported).
 */
const INTEGRATION_ON_CITUS = [
  'tenant-keyed-migration',
  'ticket-write\\.repository',
  'ticket-feed-stamp',
  'sync-stages',
  'sync-hardening',
  'sync-repositories',
  'refresh-scheduling',
  'pg-listener',
  'webhook-budget',
  'webhook-backlog',
  'secret-replacement',
  'connector-directory',
  'feed-unseen-ticket',
  // issue 24: the coverage tables' migration on a database in use, and a ticket's links
  'coverage-migration',
  'ticket-link-write',
  // several API pages per transaction: commits, a crash mid-batch, a poison row in a batch
  'list-walk-batches',
  // trashed tickets stored together; the small lists read one page ahead
  'ticket-refresher-batch',
  'coverage-read-ahead',
  // a run retried in the coverage stage goes on from its checkpoint
  'coverage-resume',
  // and in the events stage
  'events-resume',
  // the sync log counts what the committed attempt of a page stored
  'survey-reread-counts',
  // the scheduler's polls: none for a connector whose run ends while it queues
  'schedule-enqueue',
];
/**
 * The product on the cluster: setup, initial sync exact, incremental with trash/merge, crash and resume, two
 * instances (leases, advisory locks, LISTEN/NOTIFY on the coordinator), webhooks (with their caps under a
 * flood and the endpoint's rate limits, refresh runs batching a burst), the feed (with the
 * randomized concurrency proof), the tickets API with search, verification and repair.
 */
const E2E_ON_CITUS = [
  'connectors',
  'sync',
  'sync-reliability',
  'sync-claims',
  'webhook-flood',
  'webhook-limits',
  'webhook-refresh',
  'ticket-changes',
  'ticket-changes-concurrency',
  'ticket-changes-sync',
  'tickets',
  // issue 24: coverage objects, initial and incremental, worst-case simulator
  'coverage-sync',
  'coverage-incremental',
  // issue 25: verification compares and repairs on distributed tables; a crash mid-verification resumes
  'verify-repair',
  'verify-crash',
];
module.exports = {
  projects: [
    { ...cluster, displayName: 'citus', roots: ['<rootDir>/test/citus'], testRegex: '.*\\.citus-spec\\.ts$' },
    {
      ...cluster,
      displayName: 'citus-integration',
      roots: ['<rootDir>/test/integration'],
      testRegex: `/(${INTEGRATION_ON_CITUS.join('|')})\\.int-spec\\.ts$`,
      setupFilesAfterEnv: [...cluster.setupFilesAfterEnv, '<rootDir>/test/integration/support/quiet-logs.ts'],
    },
    { ...cluster, displayName: 'citus-e2e', roots: ['<rootDir>/test'], testRegex: `/(${E2E_ON_CITUS.join('|')})\\.e2e-spec\\.ts$` },
  ],
};
