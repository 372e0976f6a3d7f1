/**
 * Imported first by main.ts: OpenTelemetry must patch http, pg, graphql and Nest before anything
 * loads them. `.env` is read here too, so OTEL_* variables kept there apply.
 */
import { existsSync } from 'node:fs';
import { startTracing } from './tracing';

if (existsSync('.env')) process.loadEnvFile('.env');
if (startTracing()) {
  const target = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  process.stdout.write(`[cxconnect] tracing: on (${process.env.OTEL_TRACES_EXPORTER || 'otlp'}${target ? ` -> ${target}` : ''})\n`);
}
