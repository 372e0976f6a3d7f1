import { Attributes, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('cxconnect-sync-engine');

export interface SyncSpanScope {
  connectorId: string;
  runId: string;
  mode: string;
  stage: string;
}

/**
 * One trace per sync page: a root span (never a child of the HTTP request that started the run)
 * around reading a page from Gorgias and writing it, so the Gorgias call and the SQL appear
 * beneath it. A no-op when tracing is off.
 */
export function inSyncPageSpan<T>(scope: SyncSpanScope, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan('sync.page', { root: true, scope }, fn);
}

/** A child span of the current page for its database write. */
export function inSyncWriteSpan<T>(scope: SyncSpanScope, fn: (span: Span) => Promise<T>): Promise<T> {
  return inSpan('sync.write', { root: false, scope }, fn);
}

function inSpan<T>(name: string, o: { root: boolean; scope: SyncSpanScope }, fn: (span: Span) => Promise<T>): Promise<T> {
  const attributes: Attributes = {
    'cxconnect.connector_id': o.scope.connectorId,
    'cxconnect.sync.run_id': o.scope.runId,
    'cxconnect.sync.mode': o.scope.mode,
    'cxconnect.sync.stage': o.scope.stage,
  };
  return tracer.startActiveSpan(name, { root: o.root, kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.recordException(e as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
      throw e;
    } finally {
      span.end();
    }
  });
}
