import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { getOperationAST } from 'graphql';
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
        const outcome = !executed ? 'invalid' : errors?.length ? 'error' : 'success';
        // An operation refused by validation has no resolved operation, but its parsed document names it.
        const operation = ctx.operation ?? (ctx.document ? getOperationAST(ctx.document, ctx.request.operationName) : null);
        metrics.operationDone(operation?.operation, operation?.name?.value ?? ctx.request.operationName, outcome, (performance.now() - started) / 1000);
      },
    };
  }
}
