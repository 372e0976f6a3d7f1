import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsNumber, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { productionProblems } from './production-rules';

// Numbers from the environment; integers are enforced by @IsInt where a setting needs one.
const toNumber = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const ORIGIN = 'https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?';
const ORIGIN_LIST = new RegExp(`^\\s*${ORIGIN}\\s*(,\\s*${ORIGIN}\\s*)*$`);
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the gateway reads, with its default. Documented in `.env.example`;
 * validated once at start-up so that a wrong value stops the process with a message naming it.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  @IsString()
  DATA_DIR = '.data';

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters (e.g. `openssl rand -hex 32`)' })
  AUTH_JWT_SECRET?: string;

  /** `keyId:base64key[,keyId:base64key...]`; the first one encrypts, all of them decrypt. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]+:[A-Za-z0-9+/=]{43,44}(,[A-Za-z0-9_-]+:[A-Za-z0-9+/=]{43,44})*$/, {
    message: 'must be `keyId:base64-32-byte-key[,...]` (e.g. `k1:$(openssl rand -base64 32)`)',
  })
  SECRETS_ENCRYPTION_KEYS?: string;

  @Matches(/^https?:\/\/.*\{subdomain\}.*$/, {
    message: 'must be an http(s) URL containing `{subdomain}`, e.g. https://{subdomain}.gorgias.com',
  })
  GORGIAS_BASE_URL = 'https://{subdomain}.gorgias.com';

  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  GORGIAS_TIMEOUT_MS = 30000;

  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(20)
  GORGIAS_MAX_RETRIES = 6;

  /**
   * Where Gorgias can reach this deployment (scheme, host, optional path prefix). Set: activating a
   * connector registers a Gorgias webhook posting to `<PUBLIC_BASE_URL>/webhooks/gorgias/<id>`.
   * Production requires https (http only for a loopback address): see production-rules.ts.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'must be an http(s) URL without query or fragment, e.g. https://sync.example.com',
  })
  PUBLIC_BASE_URL?: string;

  /** Share of the account's rate-limit bucket (X-Gorgias-Account-Api-Call-Limit) our calls may fill; the rest is left to the account's other tools. */
  @Transform(toNumber)
  @IsNumber({}, { message: 'must be a number between 0.1 and 1, e.g. 0.8' })
  @Min(0.1, { message: 'must be a number between 0.1 and 1, e.g. 0.8' })
  @Max(1, { message: 'must be a number between 0.1 and 1, e.g. 0.8' })
  GORGIAS_BUDGET_SHARE = 0.8;

  /** Refresh requests one connector may hold; beyond, its webhooks fold into its next incremental walk (security review M-1). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(10_000)
  WEBHOOK_MAX_PENDING_TICKETS = 300;

  /**
   * Gorgias calls a connector's webhook-triggered runs may spend per minute (its account allows 120).
   * The default is the account's own rate: a busy account (5 changes/s in bench:freshness) needs about
   * 124 a minute, and 40, 80 and 100 put its p95 at 40, 19 and 10 s against the 5 s target. A forged
   * flood then costs at most what the account's limit lets through, and the customer's other tools
   * keep their share of the bucket all the same (GORGIAS_BUDGET_SHARE paces every call of ours).
   */
  @Transform(toNumber)
  @IsInt()
  @Min(2)
  @Max(120)
  WEBHOOK_REFRESH_CALLS_PER_MINUTE = 120;

  /** Authentic deliveries per connector and minute before 429 (real Gorgias traffic: a few per second at peaks). */
  @Transform(toNumber)
  @IsInt()
  @Min(60)
  @Max(1_000_000)
  WEBHOOK_RATE_LIMIT_PER_CONNECTOR = 600;

  /** Deliveries per source address and minute before 429 (Gorgias posts every connector's webhooks from a few addresses). */
  @Transform(toNumber)
  @IsInt()
  @Min(60)
  @Max(10_000_000)
  WEBHOOK_RATE_LIMIT_PER_ADDRESS = 6000;

  @Transform(toBool)
  @IsBoolean()
  SYNC_SCHEDULER_ENABLED = true;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  SYNC_TICK_SECONDS = 10;

  @Transform(toNumber)
  @IsInt()
  @Min(10)
  SYNC_LEASE_SECONDS = 60;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(1440)
  SYNC_DEFAULT_INTERVAL_MINUTES = 15;

  /** Poll interval of a connector whose webhooks are not arriving (off, refused, or silent). */
  @Transform(toNumber)
  @IsInt()
  @Min(10)
  @Max(86400)
  SYNC_POLL_SECONDS = 60;

  /**
   * Issue 24: how often an incremental run looks for new satisfaction surveys and re-reads unscored ones
   * (scoring records no event and moves nothing in the worst case). A run within this interval of the last
   * look makes no survey call, so a quiet poll costs what it did before the coverage objects.
   */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(86400)
  SYNC_SURVEY_CHECK_SECONDS = 900;

  /** Unscored surveys re-read (one call each) per survey look, the longest unread first. */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(1000)
  SYNC_SURVEY_REREADS_PER_RUN = 20;

  /** An unscored survey older than this (days since sent) is no longer re-read. */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(365)
  SYNC_SURVEY_SCORE_WINDOW_DAYS = 30;

  /** How often custom field definitions (which have no events) are read again. */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  SYNC_CUSTOM_FIELDS_SECONDS = 86400;

  /** Runs one instance executes at once (each paced by its own account's rate limit). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(256)
  SYNC_MAX_CONCURRENT_RUNS = 8;

  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(3650)
  SYNC_HISTORY_RETENTION_DAYS = 90;

  /** Longest a single SQL statement may run before PostgreSQL cancels it (a slow query must not hold a pooled connection). */
  @Transform(toNumber)
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  DB_STATEMENT_TIMEOUT_MS = 30_000;

  /** A transaction left idle this long is ended by PostgreSQL (its locks and connection come back). */
  @Transform(toNumber)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 120_000;

  /** Hot reads kept prepared per pooled connection (parsed and planned once); 0 behind a pooler in transaction mode. */
  @Transform(toNumber)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DB_PREPARED_STATEMENTS = 100;

  /** Bearer tokens must carry `exp`, at most this many hours after their `iat` (or after now, without `iat`). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(8760)
  AUTH_JWT_MAX_LIFETIME_HOURS = 720;

  /** Schema introspection (GraphiQL, codegen). Unset: on, except in production. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  GRAPHQL_INTROSPECTION?: boolean;

  /** Open WebSocket connections allowed from one client address (behind a proxy, raise it). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100_000)
  WS_MAX_CONNECTIONS_PER_ADDRESS = 50;

  /** Subscriptions one WebSocket may hold open at once (any kind). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(1000)
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET = 20;

  /** `ticketChanges` subscriptions one tenant may hold open at once on one instance (across all its sockets). */
  @Transform(toNumber)
  @IsInt()
  @Min(1)
  @Max(100_000)
  FEED_MAX_SUBSCRIPTIONS_PER_TENANT = 100;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Unset: human-readable when NODE_ENV=development and stdout is a terminal, JSON lines otherwise. */
  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  LOG_PRETTY?: boolean;

  /**
   * Browser origins (besides the gateway's own) allowed to call the API, e.g. the Admin Portal's.
   * Comma-separated `scheme://host[:port]`; none by default.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(ORIGIN_LIST, {
    message:
      'must be comma-separated origins such as https://portal.example.com,http://localhost:5173 (scheme://host[:port], no path, no *)',
  })
  CORS_ORIGINS?: string;

  /** Bearer token that `GET /metrics` requires. */
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'must be at least 16 characters (e.g. `openssl rand -hex 24`)' })
  METRICS_TOKEN?: string;

  /** Serves `/metrics` on this port only, apart from the API (then a token is optional). */
  @Transform(toNumber)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  METRICS_PORT?: number;

  /** Interface the METRICS_PORT listener binds to. */
  @IsString()
  METRICS_HOST = '0.0.0.0';
}

export class EnvironmentError extends Error {}

/** Parses and validates the environment; throws one error listing every bad variable. */
export function parseEnvironment(raw: NodeJS.ProcessEnv): Environment {
  const env = plainToInstance(Environment, { ...raw }, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  // One line per variable, showing what was given (not what the conversion made of it: `PORT=abc` is "abc", not NaN).
  const problems = errors.map((e) => {
    const messages = Object.values(e.constraints ?? {}).map((msg) =>
      msg.startsWith(e.property) ? msg.slice(e.property.length).trim() : msg,
    );
    const notANumber = typeof e.value === 'number' && Number.isNaN(e.value);
    const text = notANumber ? 'must be a number' : [...new Set(messages)].join('; ');
    return `  ${e.property}: ${text} (got ${describe(e.property, raw[e.property])})`;
  });
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) {
    problems.push(`  METRICS_PORT: must differ from PORT (got ${env.METRICS_PORT}); unset it to serve /metrics on PORT with METRICS_TOKEN`);
  }
  if (env.NODE_ENV === 'production') {
    // Only for values that passed their own checks: a malformed one already has its line.
    const wellFormed = (name: string) => !errors.some((e) => e.property === name);
    problems.push(
      ...productionProblems({
        AUTH_JWT_SECRET: env.AUTH_JWT_SECRET,
        SECRETS_ENCRYPTION_KEYS: env.SECRETS_ENCRYPTION_KEYS,
        DATABASE_URL: env.DATABASE_URL,
        PUBLIC_BASE_URL: wellFormed('PUBLIC_BASE_URL') ? env.PUBLIC_BASE_URL : undefined,
      }).filter((line) => wellFormed(line.trim().split(':')[0])),
    );
  }
  if (problems.length) {
    throw new EnvironmentError(`Invalid configuration; fix these environment variables (see .env.example):\n${problems.join('\n')}`);
  }
  return env;
}

function describe(property: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (/SECRET|KEYS|URL|TOKEN/.test(property)) return 'a value that is not shown';
  return JSON.stringify(value);
}
