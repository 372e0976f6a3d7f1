import { Attributes, context, Context, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const tracer = trace.getTracer('cxconnect-sync-engine');

export interface SyncSpanScope {
  connectorId: string;
  runId: string;
  mode: string;
  stage: string;
}

/** One sync page's span: the root of its own trace, made current only while `run` runs. */
export interface SyncPageSpan {
  run<T>(fn: () => T): T;
  end(error?: unknown): void;
}

/**
 * Starts the trace of one sync page (never a child of the request that started the run). The
 * page's Gorgias call and write run inside it with `run`, also when the call is prefetched while
 * the previous page is written. A no-op when tracing is off.
 */
export function startSyncPageSpan(scope: SyncSpanScope): SyncPageSpan {
  const span = tracer.startSpan('sync.page', { root: true, kind: SpanKind.INTERNAL, attributes: attributesOf(scope) });
  const ctx: Context = trace.setSpan(ROOT_CONTEXT, span);
  let ended = false;
  return {
    run: (fn) => context.with(ctx, fn),
    end: (error) => {
      if (ended) return;
      ended = true;
      if (error !== undefined) fail(span, error);
      span.end();
    },
  };
}

/**
 * One stage of a run as a trace of its own: what its stage does outside list pages (re-reading
 * mismatched tickets, deletion events, the sweep) with their Gorgias calls and writes.
 */
export function inSyncStageSpan<T>(scope: SyncSpanScope, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan('sync.stage', { root: true, kind: SpanKind.INTERNAL, attributes: attributesOf(scope) }, (span) =>
    ended(span, fn),
  );
}

/** The page's database transaction, as a child of the current page (or its own trace outside one). */
export function inSyncWriteSpan<T>(scope: SyncSpanScope, fn: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan('sync.write', { kind: SpanKind.INTERNAL, attributes: attributesOf(scope) }, (span) => ended(span, fn));
}

async function ended<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    fail(span, e);
    throw e;
  } finally {
    span.end();
  }
}

function attributesOf(scope: SyncSpanScope): Attributes {
  return {
    'cxconnect.connector_id': scope.connectorId,
    'cxconnect.sync.run_id': scope.runId,
    'cxconnect.sync.mode': scope.mode,
    'cxconnect.sync.stage': scope.stage,
  };
}

function fail(span: Span, error: unknown): void {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
}
