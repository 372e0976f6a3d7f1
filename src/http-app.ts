import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { useWebhookBodyParser } from './sync/intake/webhook-body.parser';

/** JSON bodies on every route but the webhooks' (which have their own, smaller limit). */
export const MAX_BODY_BYTES = 100 * 1024;

/**
 * The gateway's Nest application on Fastify (issue 27: Node's HTTP handling and the framework were
 * the largest part of a small read's CPU; Fastify's routing, body parsing and replies cost less than
 * Express's). Not listening yet. main.ts, the benches and the e2e tests all start it from here, so
 * every one of them serves the same HTTP layer.
 *
 * No ETag and no X-Powered-By: Fastify sends neither (Express hashed every answer for its ETag).
 */
export async function createHttpApp(options: NestApplicationOptions = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: MAX_BODY_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, options);
  useWebhookBodyParser(app); // before init: it applies to the webhook routes as they are registered
  return app;
}
