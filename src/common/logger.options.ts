import { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app.config';
import { traceLogFields } from '../observability/logging/trace-log-fields';

/** Secret-bearing keys are censored wherever they appear in a log line (up to three levels deep). */
const SECRET_KEYS = ['authorization', 'apiKey', 'api_key', 'password', 'token', 'secret', 'cookie'];
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.log.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      transport: config.log.pretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      autoLogging: { ignore: (req) => req.url === '/health' || req.url?.split('?')[0] === '/metrics' },
      // With tracing on, every line names its trace and span.
      mixin: traceLogFields,
      // GraphQL bodies can carry API keys: never log request bodies.
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url }),
      },
    },
  };
}
