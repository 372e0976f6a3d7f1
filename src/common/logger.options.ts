import { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app.config';

/** Secret-bearing keys are censored wherever they appear in a log line (up to three levels deep). */
const SECRET_KEYS = ['authorization', 'apiKey', 'api_key', 'password', 'token', 'secret', 'cookie'];
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

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
      autoLogging: REQUEST_LOG_LEVELS.includes(config.log.level) ? { ignore: (req) => req.url === '/health' } : false,
      // GraphQL bodies can carry API keys: never log request bodies.
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: req.url }),
      },
    },
  };
}
