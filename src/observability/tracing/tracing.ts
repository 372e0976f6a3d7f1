import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { redactedQueryAttributes, withoutQueryStrings } from './query-string-redaction';

export const DEFAULT_SERVICE_NAME = 'cxconnect-sync-engine';
/** Scrapes and probes would drown the traces worth reading. */
const UNTRACED_PATHS = new Set(['/health', '/metrics']);

/**
 * Tracing is off unless asked for with the standard variables: an OTEL_TRACES_EXPORTER other
 * than `none`, or an OTLP endpoint; OTEL_SDK_DISABLED=true turns it off whatever else is set.
 */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (/^true$/i.test((env.OTEL_SDK_DISABLED ?? '').trim())) return false;
  const exporters = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (exporters.length) return exporters.some((e) => e !== 'none');
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

let sdk: NodeSDK | null = null;

/**
 * Starts the OpenTelemetry Node SDK with the http, pg, graphql and Nest instrumentations. Must run
 * before those modules are loaded (main.ts imports `start-tracing` first). Exporter, endpoint,
 * sampler and resource come from the OTEL_* variables; `spanProcessors` replaces the exporter
 * (tests keep spans in memory). Returns whether tracing is on. Metrics stay with prom-client.
 */
/** Whether tracing was started in this process (see startTracing). */
export function tracingStarted(): boolean {
  return sdk !== null;
}

export function startTracing(opts: { spanProcessors?: SpanProcessor[]; env?: NodeJS.ProcessEnv } = {}): boolean {
  if (sdk) return true;
  const env = opts.env ?? process.env;
  if (!opts.spanProcessors && !tracingRequested(env)) return false;
  // Loaded only when tracing is on: the SDK and its exporters take the better part of a second to load.

  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  const { GraphQLInstrumentation } =
    require('@opentelemetry/instrumentation-graphql') as typeof import('@opentelemetry/instrumentation-graphql');
  const { NestInstrumentation } =
    require('@opentelemetry/instrumentation-nestjs-core') as typeof import('@opentelemetry/instrumentation-nestjs-core');

  const nest = new NestInstrumentation();
  sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || DEFAULT_SERVICE_NAME,
    spanProcessors: opts.spanProcessors,
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]),
        // No query string in a server span: clients put secrets there (see query-string-redaction.ts).
        startIncomingSpanHook: (req) => redactedQueryAttributes(req),
      }),
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
      // allowValues false: literals and variables (an API key in a mutation) never reach a span.
      new GraphQLInstrumentation({ allowValues: false, ignoreTrivialResolveSpans: true, mergeItems: true }),
      nest,
    ],
  });
  sdk.start();
  // Nest's controller span records the request's URL with its query string, and offers no hook.
  const { trace } = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
  nest.setTracerProvider(withoutQueryStrings(trace.getTracerProvider()));
  return true;
}

/** Flushes and stops tracing (at shutdown). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = null;
  // At shutdown an exporter that cannot flush must not keep the process from exiting; spans are best effort.
  await running?.shutdown().catch(() => undefined);
}
