import { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, GraphQLSchema } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** Requests the compiled function answered (Apollo hands every hook of a request the same request object). */
const answered = new WeakSet<object>();

/**
 * Whether the compiled function answered this request: it then ran without Apollo's `executionDidStart`,
 * so a plugin that tells executed operations from refused ones asks this as well.
 */
export function answeredByJit(requestContext: { request: object }): boolean {
  return answered.has(requestContext.request);
}

/** A query document is compiled once it has been run this many times (one-off queries are not worth it). */
export const JIT_AFTER_RUNS = 3;
/** At most this many compiled operations are kept (least recently compiled dropped first). */
const MAX_COMPILED = 200;

/**
 * Runs hot queries through graphql-jit: each operation compiled once to a function, which then
 * resolves fields without graphql-js's per-field bookkeeping, with the same schema, resolvers, context
 * and plugins (it answers in the `responseForOperation` hook, after parsing, validation, the depth
 * limit and the complexity plugin have run, and before `willSendResponse`).
 *
 * graphql-js stays the reference: a query is answered by the compiled function only when graphql-js
 * accepts its variables and the compiled run has no error at all. Otherwise this hook answers nothing
 * and Apollo executes the operation as always (queries only read, so running one again is harmless),
 * which keeps every error message, path and code exactly as graphql-js gives them. Mutations and
 * subscriptions always take the usual path. What it skips for compiled queries: per-field plugin
 * hooks (`executionDidStart`/`willResolveField`); request-level hooks all run.
 */
export function jitExecutionPlugin(): ApolloServerPlugin {
  let schema: GraphQLSchema;
  const runs = new Map<string, number>();
  const compiled = new Map<string, CompiledQuery | null>();
  return {
    serverWillStart() {
      return Promise.resolve({
        schemaDidLoadOrUpdate: ({ apiSchema }) => {
          schema = apiSchema;
          compiled.clear();
          runs.clear();
        },
      });
    },
    requestDidStart() {
      return Promise.resolve({
        async responseForOperation(rc) {
          const operation = rc.operation;
          if (!operation || operation.operation !== 'query' || !rc.queryHash) return null;
          const key = `${rc.queryHash}:${rc.operationName ?? ''}`;
          let query = compiled.get(key);
          if (query === undefined) {
            const n = (runs.get(key) ?? 0) + 1;
            if (n < JIT_AFTER_RUNS) {
              if (runs.size >= MAX_COMPILED * 10) runs.clear();
              runs.set(key, n);
              return null;
            }
            runs.delete(key);
            const made = compileQuery(schema, rc.document, rc.operationName ?? undefined);
            query = isCompiledQuery(made) ? made : null;
            if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
            compiled.set(key, query);
          }
          if (!query) return null;
          const variables = rc.request.variables ?? {};
          if (operation.variableDefinitions?.length && getVariableValues(schema, operation.variableDefinitions, variables).errors)
            return null;
          const result = await query.query(undefined, rc.contextValue, variables);
          if (result.errors?.length || !result.data) return null;
          answered.add(rc.request);
          return { http: rc.response.http, body: { kind: 'single', singleResult: { data: result.data } } };
        },
      });
    },
  };
}
