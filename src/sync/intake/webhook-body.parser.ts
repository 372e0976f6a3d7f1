import type { FastifyError, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WebhookMetrics } from '../../observability/metrics/webhook.metrics';
import { WEBHOOK_MAX_BODY_BYTES } from './intake.constants';

/** Fastify's errors from reading and parsing a body (before any handler runs). */
const TOO_LARGE = 'FST_ERR_CTP_BODY_TOO_LARGE';

const toArray = <T>(hooks: T | T[] | undefined): T[] => (hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks]);

function asJson(req: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  req.headers['content-type'] = 'application/json';
  done();
}

/** Not JSON, empty, or of a content type other than JSON's (Express's parser used to try any as JSON). */
const isBodyError = (err: FastifyError) => err.code?.startsWith('FST_ERR_CTP_') || err instanceof SyntaxError || err.statusCode === 400;

/**
 * The webhook routes read their body with their own small limit (413 over WEBHOOK_MAX_BODY_BYTES:
 * Fastify refuses on the Content-Length, or stops reading once past it, before parsing) instead of
 * the app-wide 100 KB, and read as JSON whatever its type. A body that cannot be read as JSON gets a short 400. Call before the app is
 * initialised (as createHttpApp does): the limit is set on each webhook route as it is registered.
 */
export function useWebhookBodyParser(app: NestFastifyApplication): void {
  const metrics = app.get(WebhookMetrics, { strict: false });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route: RouteOptions) => {
      if (!route.url.startsWith('/webhooks/')) return;
      route.bodyLimit = WEBHOOK_MAX_BODY_BYTES;
      // Every body is read as JSON whatever its Content-Type says (a Gorgias integration can be set to
      // send another), as the Express parser did: the JSON parser is chosen by this header.
      route.onRequest = [...toArray(route.onRequest), asJson];
      // Only reading and parsing errors get here: the handler's own are answered by Nest's filters.
      route.errorHandler = (err: FastifyError, _req: FastifyRequest, reply: FastifyReply) => {
        if (err.code === TOO_LARGE) {
          metrics.refused('too_large');
          void reply
            .code(413)
            .send({ statusCode: 413, message: `The body is over ${WEBHOOK_MAX_BODY_BYTES} bytes; send {"ticket_id": <id>}.` });
        } else if (isBodyError(err)) {
          metrics.refused('invalid_body');
          void reply.code(400).send({ statusCode: 400, message: 'The body must be JSON such as {"ticket_id": 123}.' });
        } else {
          void reply.code(500).send({ statusCode: 500, message: 'Internal server error' });
        }
      };
    });
}
