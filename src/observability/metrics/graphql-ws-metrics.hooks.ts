import { getOperationAST, OperationDefinitionNode, parse } from 'graphql';
import { GraphqlMetrics } from './graphql.metrics';

/** The graphql-ws server hooks that feed GraphqlMetrics (see GraphqlWsServer). */
export interface GraphqlWsMetricsHooks {
  /** A subscribe message arrived (starts its clock). */
  onSubscribe(ctx: { extra: object }, id: string): void;
  /** The operation was refused before execution (validation, limits). */
  refused(ctx: { extra: object }, id: string, payload: { query: string; operationName?: string | null }): void;
  /** graphql-ws `onOperation`: counts the operation and keeps a subscription counted while its stream is open. */
  onOperation(ctx: { extra: object }, id: string, payload: unknown, args: any, result: any): any;
}

/** `user` is set once the socket's connection_init carried a valid token (GraphqlWsServer). */
type Extra = { metricsStarted?: Map<string, number>; user?: unknown };

/**
 * Counts operations sent over the WebSocket (Apollo's plugins never see them) and keeps each
 * subscription counted while its stream is open.
 */
export function graphqlWsMetricsHooks(metrics: GraphqlMetrics): GraphqlWsMetricsHooks {
  const elapsed = (ctx: { extra: object }, id: string) => {
    const extra = ctx.extra as Extra;
    const started = extra.metricsStarted?.get(id) ?? performance.now();
    extra.metricsStarted?.delete(id);
    return (performance.now() - started) / 1000;
  };
  return {
    onSubscribe: (ctx, id) => {
      const extra = ctx.extra as Extra;
      (extra.metricsStarted ??= new Map()).set(id, performance.now());
    },
    refused: (ctx, id, payload) => {
      const operation = operationOf(payload);
      const authenticated = !!(ctx.extra as Extra).user;
      metrics.operationDone(
        operation?.operation,
        operation?.name?.value ?? payload.operationName,
        'invalid',
        elapsed(ctx, id),
        authenticated,
      );
    },
    onOperation: (ctx, id, _payload, args, result) => {
      const operation = getOperationAST(args.document, args.operationName);
      const stream = Symbol.asyncIterator in Object(result);
      const outcome = !stream && result?.errors?.length ? 'error' : 'success';
      metrics.operationDone(operation?.operation, operation?.name?.value, outcome, elapsed(ctx, id), !!(ctx.extra as Extra).user);
      return stream ? metrics.trackSubscription(result) : undefined;
    },
  };
}

/** The operation a refused document names, when it parses (small documents only: it was refused already). */
function operationOf(payload: { query: string; operationName?: string | null }): OperationDefinitionNode | null {
  try {
    return getOperationAST(parse(payload.query, { maxTokens: 2_000 }), payload.operationName) ?? null;
  } catch {
    return null;
  }
}
