import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : Number(value);
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * Every environment variable the gateway reads, with its default. Documented in `.env.example`;
 * validated once at start-up so that a wrong value stops the process with a message naming it.
 */
export class Environment {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: 'development' | 'production' | 'test' = 'development';

  @Transform(toInt)
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

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  GORGIAS_TIMEOUT_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(20)
  GORGIAS_MAX_RETRIES = 6;

  /**
   * Where Gorgias can reach this deployment (scheme, host, optional path prefix). Set: activating a
   * connector registers a Gorgias webhook posting to `<PUBLIC_BASE_URL>/webhooks/gorgias/<id>`.
   */
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/, {
    message: 'must be an http(s) URL without query or fragment, e.g. https://sync.example.com',
  })
  PUBLIC_BASE_URL?: string;

  @Transform(toBool)
  @IsBoolean()
  SYNC_SCHEDULER_ENABLED = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  SYNC_TICK_SECONDS = 10;

  @Transform(toInt)
  @IsInt()
  @Min(10)
  SYNC_LEASE_SECONDS = 60;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1440)
  SYNC_DEFAULT_INTERVAL_MINUTES = 15;

  /** Poll interval of a connector whose webhooks are not arriving (off, refused, or silent). */
  @Transform(toInt)
  @IsInt()
  @Min(10)
  @Max(86400)
  SYNC_POLL_SECONDS = 60;

  /** Runs one instance executes at once (each paced by its own account's rate limit). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  SYNC_MAX_CONCURRENT_RUNS = 8;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  SYNC_HISTORY_RETENTION_DAYS = 90;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @Transform(toBool)
  @IsBoolean()
  LOG_PRETTY = false;
}

export class EnvironmentError extends Error {}

/** Parses and validates the environment; throws one error listing every bad variable. */
export function parseEnvironment(raw: NodeJS.ProcessEnv): Environment {
  const env = plainToInstance(Environment, { ...raw }, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map((msg) => {
      const text = msg.startsWith(e.property) ? msg.slice(e.property.length).trim() : msg;
      return `  ${e.property}: ${text} (got ${describe(e.property, e.value)})`;
    }),
  );
  if (env.NODE_ENV === 'production') {
    if (!env.AUTH_JWT_SECRET) problems.push('  AUTH_JWT_SECRET: is required in production');
    if (!env.SECRETS_ENCRYPTION_KEYS) problems.push('  SECRETS_ENCRYPTION_KEYS: is required in production');
    if (!env.DATABASE_URL) problems.push('  DATABASE_URL: is required in production (the embedded database is for development)');
  }
  if (problems.length) {
    throw new EnvironmentError(
      `Invalid configuration; fix these environment variables (see .env.example):\n${problems.join('\n')}`,
    );
  }
  return env;
}

function describe(property: string, value: unknown): string {
  if (value === undefined) return 'nothing';
  if (/SECRET|KEY|URL/.test(property)) return 'a value that is not shown';
  return JSON.stringify(value);
}
