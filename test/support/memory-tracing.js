/**
 * Preloaded (`node --require`) into a built gateway by test/e2e/ops/tracing.e2e-spec.ts: starts the app's
 * own tracing (dist/src/observability/tracing) with an in-memory span exporter instead of OTLP,
 * and hands the finished spans to the test over IPC on request. Plain JavaScript: it runs before
 * anything else in the child process, where OpenTelemetry can patch modules (it cannot in Jest).
 */
const path = require('node:path');
const { InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { startTracing } = require(path.resolve(__dirname, '../../dist/src/observability/tracing/tracing'));

const exporter = new InMemorySpanExporter();
startTracing({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

process.on('message', (message) => {
  if (message !== 'spans') return;
  const spans = exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    kind: s.kind,
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parentSpanId: s.parentSpanContext?.spanId ?? s.parentSpanId ?? null,
    attributes: s.attributes,
    status: s.status,
  }));
  process.send({ spans });
});
