import { ApolloServerPlugin } from '@apollo/server';
import { DocumentNode, GraphQLError, GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Upper bound on what one operation may ask for. Lists declare their cost as `first * child`
 * (see `complexity` on the connection fields), so 50 tickets x 5 messages is ~ 50*(fields+5*fields);
 * counts and searches declare what they cost in SQL (see `TOTAL_COUNT_COST`, `SEARCH_COST`).
 */
export const MAX_QUERY_COMPLEXITY = 20_000;

/** Refuses (BAD_USER_INPUT) an operation whose estimated cost is above `max`. Used by every transport. */
export function assertComplexity(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  max = MAX_QUERY_COMPLEXITY,
): void {
  const complexity = getComplexity({
    schema,
    operationName: operationName ?? undefined,
    query: document,
    variables: variables ?? {},
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
  if (complexity > max) {
    throw new GraphQLError(
      `Query is too complex: ${complexity} points, the limit is ${max}. Ask for fewer items (first), fewer fields, or fewer counts and searches at once.`,
      { extensions: { code: 'BAD_USER_INPUT' } },
    );
  }
}

/** Checked (document, operation, variables) per parsed document kept by Apollo's document cache. */
const CHECKED_PER_DOCUMENT = 64;

export function queryComplexityPlugin(max = MAX_QUERY_COMPLEXITY): ApolloServerPlugin {
  let schema: GraphQLSchema;
  // Apollo hands back the same DocumentNode for a repeated query text, and the cost depends only on it, the
  // operation and the variables: a client polling one query is checked once, not on every request.
  let passed = new WeakMap<DocumentNode, Set<string>>();
  return {
    serverWillStart() {
      return Promise.resolve({
        schemaDidLoadOrUpdate: ({ apiSchema }) => {
          schema = apiSchema;
          passed = new WeakMap();
        },
      });
    },
    requestDidStart() {
      return Promise.resolve({
        // async with no await on purpose: assertComplexity throws, and Apollo expects that as a rejected promise.
        // eslint-disable-next-line @typescript-eslint/require-await
        async didResolveOperation({ request, document }) {
          const key = `${request.operationName ?? ''}\n${JSON.stringify(request.variables ?? {})}`;
          let seen = passed.get(document);
          if (seen?.has(key)) return;
          assertComplexity(schema, document, request.operationName, request.variables, max);
          if (!seen) passed.set(document, (seen = new Set()));
          if (seen.size >= CHECKED_PER_DOCUMENT) seen.clear();
          seen.add(key);
        },
      });
    },
  };
}
