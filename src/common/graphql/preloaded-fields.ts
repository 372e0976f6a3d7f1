import { defaultFieldResolver, GraphQLObjectType, GraphQLSchema } from 'graphql';

/**
 * Values a list resolver already fetched for a field of its items (in the same SQL statement), keyed by
 * response key (the alias, or the field name), so that the field does not run its own resolver once
 * per item. Kept under a symbol: invisible to GraphQL and to JSON.
 */
const PRELOADED = Symbol('preloaded');

type Carrier = { [PRELOADED]?: Map<string, unknown> };

/** Records `value` as the answer of the field asked as `responseKey` on `parent`. */
export function preload(parent: object, responseKey: string, value: unknown): void {
  const carrier = parent as Carrier;
  (carrier[PRELOADED] ??= new Map()).set(responseKey, value);
}

/**
 * Lets each of `fields` ("Type.field") answer from a preloaded value when its parent carries one, with a
 * plain synchronous function: no promise, no Nest parameter resolution. Otherwise the field's own
 * (Nest) resolver runs as before. Field resolvers carry no guards in this app (the root field is
 * the gate, and the SQL that preloaded the value was scoped to the caller's tenant).
 */
export function answerPreloadedFields(schema: GraphQLSchema, fields: readonly string[]): GraphQLSchema {
  for (const name of fields) {
    const [typeName, fieldName] = name.split('.');
    const type = schema.getType(typeName);
    const field = type instanceof GraphQLObjectType ? type.getFields()[fieldName] : undefined;
    if (!field) throw new Error(`answerPreloadedFields: no field ${name} in the schema`);
    const own = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx, info) => {
      const values = (parent as Carrier | null)?.[PRELOADED];
      return values?.has(info.path.key as string) ? values.get(info.path.key as string) : own(parent, args, ctx, info);
    };
  }
  return schema;
}
