import { FragmentDefinitionNode, GraphQLError, Kind, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';

/**
 * graphql-depth-limit skips `__schema`/`__type` so that tools can introspect; left unbounded, a
 * nested `ofType { ofType { ... } }` chain is a cheap way to make the server work. This bounds
 * introspection separately, above the depth of the standard introspection query (about 12).
 */
export function introspectionDepthLimit(max: number): ValidationRule {
  return (context: ValidationContext) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const d of context.getDocument().definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

    const depthOf = (set: SelectionSetNode | undefined, seen: Set<string>): number => {
      if (!set) return 0;
      let deepest = 0;
      for (const s of set.selections) {
        let d = 0;
        if (s.kind === Kind.FIELD) d = s.selectionSet ? 1 + depthOf(s.selectionSet, seen) : 0;
        else if (s.kind === Kind.INLINE_FRAGMENT) d = depthOf(s.selectionSet, seen);
        else if (!seen.has(s.name.value)) d = depthOf(fragments.get(s.name.value)?.selectionSet, new Set(seen).add(s.name.value));
        deepest = Math.max(deepest, d);
        if (deepest > max) return deepest;
      }
      return deepest;
    };

    return {
      Field(node) {
        if (node.name.value !== '__schema' && node.name.value !== '__type') return;
        const depth = 1 + depthOf(node.selectionSet, new Set());
        if (depth > max) {
          context.reportError(new GraphQLError(`introspection query exceeds maximum operation depth of ${max}`, { nodes: [node] }));
        }
        return false; // nested fields were measured here
      },
    };
  };
}
