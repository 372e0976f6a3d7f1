import { Params } from 'nestjs-pino';
import { AppConfig } from '../../config/app.config';
import { traceLogFields } from './trace-log-fields';

/** Secret-bearing keys are censored wherever they appear in a log line (up to three levels deep). */
const SECRET_KEYS = ['authorization', 'apiKey', 'api_key', 'password', 'token', 'secret', 'cookie'];
export const REDACT_PATHS = ['req.headers.authorization', 'req.headers.cookie', ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`])];

export function withoutQueryString(url: unknown): string {
  const s = typeof url === 'string' ? url : '';
  const q = s.indexOf('?');
  return q < 0 ? s : `${s.slice(0, q)}?[query omitted]`;
}

/**
 * A failed SQL statement's error carries its parameters (customer emails, message bodies) and the
 * driver's copy of them: only the kind of error, its message, the SQL code and the stack are logged.
 */
export function errorWithoutData(err: unknown): unknown {
  if (!err || typeof err !== 'object') return err;
  const e = err as Record<string, any>;
  const driver = (e.driverError ?? {}) as Record<string, unknown>;
  return {
    type: e.constructor?.name ?? 'Error',
    message: typeof e.message === 'string' ? e.message : String(e),
    ...(typeof e.code === 'string' || typeof driver.code === 'string' ? { code: e.code ?? driver.code } : {}),
    ...(typeof e.stack === 'string' ? { stack: e.stack } : {}),
  };
}

/** Levels at which a line per request is written. */
const REQUEST_LOG_LEVELS = ['trace', 'debug', 'info'];

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      transport: config.log.pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      // One line per request at info and below; above info those lines are never written, so pino-http
      // does not prepare them for every request.
      autoLogging: REQUEST_LOG_LEVELS.includes(config.log.level)
        ? { ignore: (req) => req.url === '/health' || req.url?.split('?')[0] === '/metrics' }
        : false,
      // With tracing on, every line names its trace and span.
      mixin: traceLogFields,
      // GraphQL bodies can carry API keys: never log request bodies, nor query strings (GET /graphql?query=...).
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: withoutQueryString(req.url) }),
        err: errorWithoutData,
      },
    },
  };
}
