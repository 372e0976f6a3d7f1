import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { getOperationAST } from 'graphql';
import { GraphqlMetrics } from './graphql.metrics';

/**
 * graphql-ws hooks that count operations sent over the WebSocket (Apollo's plugins never see
 * them) and keep each subscription counted while its stream is open. Nest passes every
 * graphql-ws option through to `useServer`, though its type names only some.
 */
export function graphqlWsMetricsHooks(metrics: GraphqlMetrics): GraphQLWsSubscriptionsConfig {
  const hooks = {
    onSubscribe: (ctx: any, id: string) => {
      (ctx.extra.started ??= new Map<string, number>()).set(id, performance.now());
    },
    onOperation: (ctx: any, id: string, _payload: unknown, args: any, result: any) => {
      const started: number = ctx.extra.started?.get(id) ?? performance.now();
      ctx.extra.started?.delete(id);
      const operation = getOperationAST(args.document, args.operationName);
      const stream = Symbol.asyncIterator in Object(result);
      const outcome = !stream && result?.errors?.length ? 'error' : 'success';
      metrics.operationDone(operation?.operation, operation?.name?.value, outcome, (performance.now() - started) / 1000);
      return stream ? metrics.trackSubscription(result) : undefined;
    },
  };
  return hooks as GraphQLWsSubscriptionsConfig;
}
