import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { getOperationAST } from 'graphql';
import { answeredByJit } from '../../common/graphql/jit-execution.plugin';
import { GraphqlMetrics } from './graphql.metrics';

/** Apollo plugin: one observation per GraphQL operation answered over HTTP. */
@Plugin()
export class GraphqlMetricsPlugin implements ApolloServerPlugin {
  constructor(private readonly metrics: GraphqlMetrics) {}

  async requestDidStart(): Promise<GraphQLRequestListener<any>> {
    const started = performance.now();
    const metrics = this.metrics;
    let executed = false;
    return {
      async executionDidStart() {
        executed = true;
      },
      async willSendResponse(ctx) {
        const body = ctx.response.body;
        const errors = body.kind === 'single' ? body.singleResult.errors : ctx.errors;
        // A hot query answered by its compiled function (jit-execution.plugin) was executed too.
        const outcome = !(executed || answeredByJit(ctx)) ? 'invalid' : errors?.length ? 'error' : 'success';
        // An operation refused by validation has no resolved operation, but its parsed document names it.
        const operation = ctx.operation ?? (ctx.document ? getOperationAST(ctx.document, ctx.request.operationName) : null);
        metrics.operationDone(
          operation?.operation,
          operation?.name?.value ?? ctx.request.operationName,
          outcome,
          (performance.now() - started) / 1000,
        );
      },
    };
  }
}
