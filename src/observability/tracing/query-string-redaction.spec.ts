import { INVALID_SPAN_CONTEXT, Span, SpanOptions, trace, Tracer, TracerProvider } from '@opentelemetry/api';
import { redactedQueryAttributes, REDACTED_QUERY, withoutQueryStrings } from './query-string-redaction';

describe('redactedQueryAttributes', () => {
  it('replaces any query string, on any path, and leaves requests without one alone', () => {
    const key = 'GETSECRETKEY9876';
    const graphql = `/graphql?query=${encodeURIComponent(`mutation{checkGorgiasCredentials(input:{apiKey:"${key}"})}`)}`;
    expect(redactedQueryAttributes({ url: graphql })).toEqual({ 'url.query': REDACTED_QUERY });
    expect(redactedQueryAttributes({ url: '/webhooks/gorgias/abc?token=x' })).toEqual({ 'url.query': REDACTED_QUERY });
    expect(redactedQueryAttributes({ url: '/console?' })).toEqual({ 'url.query': REDACTED_QUERY });
    expect(redactedQueryAttributes({ url: '/graphql' })).toEqual({});
    expect(redactedQueryAttributes({})).toEqual({});
  });
});

describe('withoutQueryStrings', () => {
  const INVALID_SPAN = trace.wrapSpanContext(INVALID_SPAN_CONTEXT); // a span that records nothing
  it('starts spans whose url.full keeps its path but not its query, whatever the instrumentation passed', () => {
    const started: { name: string; options: SpanOptions | undefined }[] = [];
    const inner: TracerProvider = {
      getTracer: () => ({
        startSpan: (name: string, options?: SpanOptions) => {
          started.push({ name, options });
          return INVALID_SPAN;
        },
        startActiveSpan: ((name: string, options: SpanOptions, fn: (span: Span) => unknown) => {
          started.push({ name, options });
          return fn(INVALID_SPAN);
        }) as Tracer['startActiveSpan'],
      }),
    };
    const tracer = withoutQueryStrings(inner).getTracer('nest');
    tracer.startSpan('WebhookController.gorgias', {
      attributes: { 'url.full': '/webhooks/gorgias/abc?secret=S3CRET', 'http.route': '/x' },
    });
    tracer.startSpan('Create Nest App', { attributes: { component: '@nestjs/core' } });
    expect(tracer.startActiveSpan('active', { attributes: { 'url.full': '/console?token=T0KEN' } }, () => 'ran')).toBe('ran');
    expect(started.map((s) => s.options?.attributes)).toEqual([
      { 'url.full': '/webhooks/gorgias/abc?REDACTED', 'http.route': '/x' },
      { component: '@nestjs/core' },
      { 'url.full': '/console?REDACTED' },
    ]);
  });
});
