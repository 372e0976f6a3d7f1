import depthLimit from 'graphql-depth-limit';
import { NoSchemaIntrospectionCustomRule, ValidationRule } from 'graphql';
import { introspectionDepthLimit } from './introspection-depth.rule';
import { operationWidthLimit } from './operation-width.rule';

/** Deep enough for ticket -> messages -> sender and introspection; deeper is refused. */
export const MAX_QUERY_DEPTH = 10;
/** The standard introspection query (GraphiQL, codegen) is about 12 deep. */
export const MAX_INTROSPECTION_DEPTH = 15;
/** Root fields per operation: each is its own database work. */
export const MAX_ROOT_FIELDS = 10;
/** Aliases per operation: an alias is a way to ask for the same costly field again. */
export const MAX_ALIASES = 30;

/**
 * The validation rules every operation passes, whatever the transport (HTTP through Apollo,
 * WebSocket through graphql-ws), on top of GraphQL's standard rules.
 */
export function graphqlValidationRules(opts: { introspection: boolean }): ValidationRule[] {
  return [
    depthLimit(MAX_QUERY_DEPTH),
    introspectionDepthLimit(MAX_INTROSPECTION_DEPTH),
    operationWidthLimit(MAX_ROOT_FIELDS, MAX_ALIASES),
    ...(opts.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
}
