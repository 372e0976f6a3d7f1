import { isSpanContextValid, trace } from '@opentelemetry/api';

/** pino mixin: the active trace and span ids on every log line (nothing when tracing is off). */
export function traceLogFields(): Record<string, string> {
  const ctx = trace.getActiveSpan()?.spanContext();
  if (!ctx || !isSpanContextValid(ctx)) return {};
  return { trace_id: ctx.traceId, span_id: ctx.spanId };
}
