import type { INestApplication } from '@nestjs/common';
import { json, NextFunction, Request, Response } from 'express';
import { WebhookMetrics } from '../../observability/metrics/webhook.metrics';
import { WEBHOOK_MAX_BODY_BYTES } from './intake.constants';

/**
 * The webhook route reads its body with its own small limit (413 over WEBHOOK_MAX_BODY_BYTES,
 * without reading further) instead of the app-wide 100 KB JSON parser. Registered before Nest's
 * parsers (call right after NestFactory.create), which then skip the already-read body.
 */
export function useWebhookBodyParser(app: INestApplication): void {
  const metrics = app.get(WebhookMetrics, { strict: false });
  const parse = json({ limit: WEBHOOK_MAX_BODY_BYTES, type: () => true, strict: true });
  app.use('/webhooks', (req: Request, res: Response, next: NextFunction) => {
    parse(req, res, (err?: { type?: string; status?: number }) => {
      if (!err) return next();
      // Answered here with a short JSON error: Express's default handler would print a stack trace.
      if (err.type === 'entity.too.large') {
        metrics.refused('too_large');
        res.status(413).json({ statusCode: 413, message: `The body is over ${WEBHOOK_MAX_BODY_BYTES} bytes; send {"ticket_id": <id>}.` });
      } else {
        metrics.refused('invalid_body');
        res.status(400).json({ statusCode: 400, message: 'The body must be JSON such as {"ticket_id": 123}.' });
      }
    });
  });
}
