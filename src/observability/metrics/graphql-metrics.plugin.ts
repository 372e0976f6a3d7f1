import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { Plugin } from '@nestjs/apollo';
import { getOperationAST } from 'graphql';
import { AuthService } from '../../auth/auth.service';
import { GraphqlContext } from '../../auth/graphql-context';
import { answeredByJit } from '../../common/graphql/jit-execution.plugin';
import { GraphqlMetrics } from './graphql.metrics';

/** Apollo plugin: one observation per GraphQL operation answered over HTTP. */
@Plugin()
export class GraphqlMetricsPlugin implements ApolloServerPlugin {
  constructor(
    private readonly metrics: GraphqlMetrics,
    private readonly auth: AuthService,
  ) {}

  // Apollo's hooks return promises; nothing here awaits, so they hand back resolved ones (no async needed).
  requestDidStart(): Promise<GraphQLRequestListener<GraphqlContext>> {
    const started = performance.now();
    const metrics = this.metrics;
    const authenticated = (ctx: GraphqlContext) => !!ctx.user || this.hasValidToken(ctx);
    let executed = false;
    return Promise.resolve({
      executionDidStart() {
        executed = true;
        return Promise.resolve();
      },
      willSendResponse(ctx) {
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
          authenticated(ctx.contextValue),
        );
        return Promise.resolve();
      },
    });
  }

  /**
   * The guard sets `user` only when a resolver ran; a refused or `__typename`-only operation has
   * none, so the token is checked here (verified tokens are cached by AuthService).
   */
  private hasValidToken(ctx: GraphqlContext): boolean {
    try {
      this.auth.verifyAuthorization(ctx.req?.headers?.authorization);
      return true;
    } catch {
      return false;
    }
  }
}
