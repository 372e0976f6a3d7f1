import { ConfigType, registerAs } from '@nestjs/config';
import { parseEnvironment } from './environment';
import { OriginPolicyOptions, ownOrigins, parseOriginList } from './origin-list';
import { wantsPrettyLogs } from './log-format';

/**
 * The validated configuration, built when an application instance starts (not at import time),
 * so each instance, including each one a test boots, reads the environment it was given.
 */
export const appConfig = registerAs('app', () => {
  const env = parseEnvironment(process.env);
  if (!env.AUTH_JWT_SECRET || !env.SECRETS_ENCRYPTION_KEYS || !env.DATABASE_URL) {
    // main.ts fills these in for development (embedded database, generated secrets) before Nest starts.
    throw new Error('DATABASE_URL, AUTH_JWT_SECRET and SECRETS_ENCRYPTION_KEYS must be resolved before the app module starts');
  }
  const publicBaseUrl = env.PUBLIC_BASE_URL ? env.PUBLIC_BASE_URL.replace(/\/+$/, '') : null;
  const corsOrigins = parseOriginList(env.CORS_ORIGINS);
  /** Browser origins that may call the API (see OriginPolicy); loopback pages only outside production. */
  const originPolicy: OriginPolicyOptions = {
    origins: ownOrigins(corsOrigins, publicBaseUrl),
    loopbackOnOwnPort: env.NODE_ENV !== 'production',
  };
  return {
    env: env.NODE_ENV,
    port: env.PORT,
    dataDir: env.DATA_DIR,
    databaseUrl: env.DATABASE_URL,
    jwtSecret: env.AUTH_JWT_SECRET,
    jwtMaxLifetimeSeconds: env.AUTH_JWT_MAX_LIFETIME_HOURS * 3600,
    introspection: env.GRAPHQL_INTROSPECTION ?? env.NODE_ENV !== 'production',
    wsMaxConnectionsPerAddress: env.WS_MAX_CONNECTIONS_PER_ADDRESS,
    wsMaxSubscriptionsPerSocket: env.WS_MAX_SUBSCRIPTIONS_PER_SOCKET,
    feed: { maxSubscriptionsPerTenant: env.FEED_MAX_SUBSCRIPTIONS_PER_TENANT },
    database: {
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
      preparedStatements: env.DB_PREPARED_STATEMENTS,
    },
    encryptionKeys: env.SECRETS_ENCRYPTION_KEYS,
    gorgias: {
      baseUrl: env.GORGIAS_BASE_URL,
      timeoutMs: env.GORGIAS_TIMEOUT_MS,
      maxRetries: env.GORGIAS_MAX_RETRIES,
      budgetShare: env.GORGIAS_BUDGET_SHARE,
    },
    sync: {
      schedulerEnabled: env.SYNC_SCHEDULER_ENABLED,
      tickSeconds: env.SYNC_TICK_SECONDS,
      leaseSeconds: env.SYNC_LEASE_SECONDS,
      defaultIntervalMinutes: env.SYNC_DEFAULT_INTERVAL_MINUTES,
      historyRetentionDays: env.SYNC_HISTORY_RETENTION_DAYS,
      pollSeconds: env.SYNC_POLL_SECONDS,
      maxConcurrentRuns: env.SYNC_MAX_CONCURRENT_RUNS,
      /** Issue 24: the survey look and the custom field definitions' re-read (docs/gorgias-api.md "How the connector copes"). */
      coverage: {
        surveyCheckSeconds: env.SYNC_SURVEY_CHECK_SECONDS,
        surveyRereadsPerRun: env.SYNC_SURVEY_REREADS_PER_RUN,
        surveyScoreWindowDays: env.SYNC_SURVEY_SCORE_WINDOW_DAYS,
        customFieldsSeconds: env.SYNC_CUSTOM_FIELDS_SECONDS,
      },
    },
    webhooks: {
      maxPendingTickets: env.WEBHOOK_MAX_PENDING_TICKETS,
      refreshCallsPerMinute: env.WEBHOOK_REFRESH_CALLS_PER_MINUTE,
      rateLimitPerConnector: env.WEBHOOK_RATE_LIMIT_PER_CONNECTOR,
      rateLimitPerAddress: env.WEBHOOK_RATE_LIMIT_PER_ADDRESS,
    },
    /** Webhooks are on when the deployment has a public address (no trailing slash). */
    publicBaseUrl,
    log: {
      level: env.LOG_LEVEL,
      pretty: wantsPrettyLogs(env.LOG_PRETTY, env.NODE_ENV, process.stdout.isTTY === true),
    },
    originPolicy,
    metrics: { token: env.METRICS_TOKEN ?? null, port: env.METRICS_PORT ?? null, host: env.METRICS_HOST },
  };
});

export type AppConfig = ConfigType<typeof appConfig>;
