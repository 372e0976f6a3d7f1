import type { IncomingMessage } from 'node:http';
import type { SpanOptions, Tracer, TracerProvider } from '@opentelemetry/api';

/** What a query string becomes in a span: its presence is worth knowing, its content is not. */
export const REDACTED_QUERY = 'REDACTED';

/*
 * A query string can carry anything a client put there: `GET /graphql?query=mutation{...apiKey:"..."}`
 * is refused by Apollo, yet its span would keep the key, and GET queries carry the e-mail addresses
 * searched for. OpenTelemetry redacts only a few well-known parameter names, so every value on every
 * path goes, in the two places an incoming URL reaches a span: the http server span (`url.query`) and
 * Nest's controller span (`url.full`, the request's originalUrl).
 */

/**
 * Span attributes that replace the query string of an incoming request, for the http
 * instrumentation's `startIncomingSpanHook` (its attributes override the ones it derived from the URL).
 */
export function redactedQueryAttributes(request: Pick<IncomingMessage, 'url'>): Record<string, string> {
  return (request.url ?? '').includes('?') ? { 'url.query': REDACTED_QUERY } : {};
}

/** `url.full` without its query values (the instrumentations outside http have no hook for it). */
export function redactSpanOptions(options: SpanOptions | undefined): SpanOptions | undefined {
  const full = options?.attributes?.['url.full'];
  if (typeof full !== 'string' || !full.includes('?')) return options;
  return { ...options, attributes: { ...options!.attributes, 'url.full': `${full.slice(0, full.indexOf('?'))}?${REDACTED_QUERY}` } };
}

/**
 * A TracerProvider whose tracers start spans without query strings in `url.full`. For an
 * instrumentation to use (`setTracerProvider`) before the module it patches loads: Nest's takes
 * its tracer when @nestjs/core is required.
 */
export function withoutQueryStrings(provider: TracerProvider): TracerProvider {
  return {
    getTracer(name, version, options) {
      const tracer = provider.getTracer(name, version, options);
      const startActiveSpan = (spanName: string, ...rest: unknown[]) => {
        if (rest.length > 1 && typeof rest[0] === 'object') rest[0] = redactSpanOptions(rest[0] as SpanOptions);
        return (tracer.startActiveSpan as (n: string, ...a: unknown[]) => unknown)(spanName, ...rest);
      };
      return {
        startSpan: (spanName, spanOptions, context) => tracer.startSpan(spanName, redactSpanOptions(spanOptions), context),
        startActiveSpan: startActiveSpan as Tracer['startActiveSpan'],
      };
    },
  };
}
