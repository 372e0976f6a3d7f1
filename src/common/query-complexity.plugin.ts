import { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';

/**
 * Upper bound on what one operation may ask for. Lists declare their cost as `first * child`
 * (see `complexity` on the connection fields), so 50 tickets x 5 messages is ~ 50*(fields+5*fields).
 */
export const MAX_QUERY_COMPLEXITY = 20_000;

export function queryComplexityPlugin(max = MAX_QUERY_COMPLEXITY): ApolloServerPlugin {
  let schema: GraphQLSchema;
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate: ({ apiSchema }) => {
          schema = apiSchema;
        },
      };
    },
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema,
            operationName: request.operationName,
            query: document,
            variables: request.variables,
            estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > max) {
            throw new GraphQLError(
              `Query is too complex: ${complexity} points, the limit is ${max}. Ask for fewer items (first) or fewer fields.`,
              { extensions: { code: 'BAD_USER_INPUT' } },
            );
          }
        },
      };
    },
  };
}
